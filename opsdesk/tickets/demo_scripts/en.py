"""The demo's conversations in English (opsdesk/tickets/demo_scripts/__init__.py explains the placeholders)."""

from opsdesk.tickets.demo_scripts import Long, Script, Topic

SCRIPT = Script(
    greetings=("Hi {name},", "Hello {name},", "Dear {name},"),
    signoffs=("Best regards,\n{agent}", "Kind regards,\n{agent}\nCustomer service", "Thanks,\n{agent}"),
    amounts=("£24.90", "£39.00", "£57.45", "£12.99", "£89.00", "£149.50"),
    files={
        "photo": "damaged-parcel.png",
        "statement": "card-statement.png",
        "invoice": "invoice.pdf",
        "screenshot": "app-error.png",
        "log": "app-log.txt",
    },
    duplicate=(
        "I emailed you about this yesterday but have not heard back, so here it is again:",
        "Sending this a second time in case my first message got lost.",
    ),
    topics={
        "where_is_order": Topic(
            subjects=("Where is my order {order}?", "Parcel for order {order} not arrived"),
            openings=(
                "Hi, I ordered two weeks ago (order {order}) and the tracking page has not changed for five days. "
                "Could you check where the parcel is?",
                "Hello, my order {order} was supposed to arrive on Monday. The tracking still says "
                '"in transit". Is it lost?',
            ),
            quick=(
                "I checked with the carrier: your parcel reached the pickup point at the Tesco on High Street "
                "yesterday afternoon, but their scan did not update the tracking page. It will wait for you there "
                "for 14 days. Take the tracking code {tracking} and an ID with you.",
            ),
            threads=(
                (
                    "The carrier's records say the parcel was delivered on Tuesday at 14:12 and left with a "
                    "neighbour at number 12, as nobody answered. Could you ask them whether they have it?",
                    "Found it! My neighbour had it the whole time and forgot to leave a card. Sorry for the bother.",
                    "No bother at all, I'm glad it turned up. Enjoy your order!",
                ),
                (
                    "I'm sorry: the parcel has not been scanned since it left the sorting centre, so I have asked "
                    "the carrier to trace it. If they cannot find it within two working days, we will send a new "
                    "one at no cost. Is your delivery address still the same?",
                    "Yes, the address is the same. Please just send a new one, I need it before the weekend.",
                    "Done: a replacement left our warehouse today with express delivery, tracking code {tracking}. "
                    "If the first parcel shows up after all, just refuse it and it will come back to us.",
                ),
            ),
            note="Carrier trace opened for {order} (their reference TR-40217). Check again on Thursday; if it is "
            "still missing, send a replacement without waiting for the trace.",
        ),
        "double_charge": Topic(
            subjects=("Charged twice for order {order}", "Double payment on my card"),
            openings=(
                "Hello, my card statement shows two identical charges of {amount} for order {order}. "
                "Please refund the duplicate payment. A screenshot of the statement is attached.",
                "Hi, I paid for order {order} and the payment page froze, so I pressed Pay again. Now I see "
                "{amount} twice on my card (screenshot attached). Can you refund one of them?",
            ),
            quick=(
                "Thank you for the screenshot. Only one of the two payments reached us: the second one is a "
                "reservation your bank made when the page froze, and it is released automatically within 3–5 "
                "working days. You do not need to do anything, and you have not been charged twice.",
            ),
            threads=(
                (
                    "I can see both payments of {amount} on our side, so the second one is a real duplicate. "
                    "To send the refund to the right card, could you confirm the last four digits of the card?",
                    "Sure, it is the Visa ending in 4821.",
                    "Thank you. I have refunded {amount} to the card ending in 4821 today. Depending on your bank "
                    "it shows on your statement within 3–5 working days.",
                ),
                (
                    "On our side I see a single payment for order {order}. The second line is most likely a "
                    "pending reservation from your bank. Could you check in two or three days whether it has "
                    "disappeared?",
                    "You were right, the second charge is gone from my statement today. Thanks!",
                    "Great, thanks for letting me know. I'll close this ticket, but just reply if anything else "
                    "comes up.",
                ),
            ),
            note="Payment provider shows two captures for {order}. Refund of the second one started; no need to "
            "cancel the order.",
        ),
        "wrong_size": Topic(
            subjects=("Wrong size delivered", "Jacket in order {order} is the wrong size"),
            openings=(
                "The jacket in order {order} arrived in size M, but I ordered L. How do I exchange it?",
                "Hi, I got my parcel today but the jacket is a size M, my order confirmation says L. Can I swap "
                "it? I have not worn it.",
            ),
            quick=(
                "Sorry about the mix-up. I have emailed you a prepaid return label and reserved a jacket in L for "
                "you. It ships as soon as the carrier scans your return, so you do not have to wait until it "
                "reaches our warehouse.",
            ),
            threads=(
                (
                    "Sorry about that, our warehouse picked the wrong size. We have the L in stock. Would you like "
                    "to exchange the jacket, or would you rather have a refund?",
                    "An exchange, please. I really like the jacket.",
                    "Done: the prepaid return label is in your email, and your L leaves our warehouse as soon as "
                    "the return is scanned. Its tracking code will be {tracking}.",
                ),
                (
                    "I'm sorry for the mistake. The L is sold out in that colour right now, but we will have it "
                    "again next week. Would you like to wait for it, or take the L in navy, which is in stock?",
                    "I'll take the navy one, that's fine.",
                    "Good choice! The navy L is on its way today, tracking code {tracking}. Please send the M back "
                    "with the return label I have emailed you; it costs you nothing.",
                ),
            ),
            note="Picking error in the warehouse: second wrong-size complaint from batch W-17 this week. Reported "
            "to the warehouse lead.",
        ),
        "login": Topic(
            subjects=("Cannot log in to my account", "Password reset does not work"),
            openings=(
                "I reset my password twice but the sign-in page still says the password is wrong. Can you help?",
                'Hi, I get "incorrect email or password" every time, although I just set a new password with '
                "the reset link. What am I doing wrong?",
            ),
            quick=(
                "Your account was locked after too many attempts, which is why even the new password was refused. "
                "I have unlocked it now. Please sign in once more with the password you set last; if your browser "
                "filled in an old one, type it by hand.",
            ),
            threads=(
                (
                    "I see two accounts in your name, one with a personal and one with a work email address. "
                    "Which address do you sign in with?",
                    "The work one. I didn't even know I had a second account!",
                    "That explains it: the reset links went to your personal address. I have sent a new link to "
                    "your work address; it is valid for one hour. If you like, I can also merge the two accounts.",
                ),
                (
                    "Do you sign in in the mobile app or in a browser? Version 4.1 of the app had a bug that "
                    "refused new passwords.",
                    "In the app, on my iPhone.",
                    "Then an update will fix it: version 4.2 is in the App Store. Until you update, signing in at "
                    "our website works with your new password.",
                ),
            ),
            note="Account was locked by the rate limit (12 failed attempts in 5 minutes). No sign of anyone else "
            "trying; unlocked.",
        ),
        "invoice": Topic(
            subjects=("Invoice needed for accounting", "VAT invoice for order {order}"),
            openings=(
                "Could you send an invoice with our VAT number for order {order}? Our accounting needs it by Friday.",
                "Hello, the receipt for order {order} does not show our company details. Our accountant needs a "
                "proper VAT invoice. Can you make one?",
            ),
            quick=(
                "Here is the invoice for order {order} with your company's name and VAT number; you will find it "
                "attached as a PDF. A copy is also in your account under Orders.",
            ),
            threads=(
                (
                    "Of course. Could you send me your company's full name, billing address and VAT number, so that "
                    "the invoice is right the first time?",
                    "Northwind Traders Ltd, 24 Queen Street, Leeds LS1 2TW, VAT GB 123 4567 89.",
                    "Thank you. The invoice for order {order} is attached, with your company details and VAT "
                    "number. I have also saved the details to your account for future orders.",
                ),
            ),
            note="Customer asked for an invoice with VAT number. Remember to save the billing details to the "
            "account, so this does not come back every month.",
        ),
        "damaged": Topic(
            subjects=("Damaged item", "Lamp arrived broken"),
            openings=(
                "The lamp in order {order} arrived with a cracked shade. I attached a photo of the box.",
                "Hi, my lamp (order {order}) came today and the glass shade is broken. The box was already "
                "dented when it arrived, see the photo.",
            ),
            quick=(
                "Thank you for the photo, and I'm sorry it arrived broken. A new lamp is on its way at no cost, "
                "tracking code {tracking}. You can keep or recycle the broken one, there is no need to return it.",
            ),
            threads=(
                (
                    "Thank you for the photo, it clearly shows the transport damage. Would you like a replacement "
                    "or a refund of {amount}?",
                    "A replacement, please. Could you pack it a bit better this time?",
                    "Of course: the new lamp ships tomorrow in double packaging, tracking code {tracking}. I have "
                    "also filed a damage claim with the carrier, so you do not need to do anything else.",
                ),
                (
                    "I'm sorry about that. Is only the shade broken, or the lamp base too? If the base works, we "
                    "can send just a new shade, which is faster.",
                    "Only the shade, the lamp itself works fine.",
                    "Then a new shade is on its way, tracking code {tracking}. It should reach you in two or three "
                    "working days.",
                ),
            ),
            note="Third damaged lamp from the same carrier this month. Filed a damage claim; worth asking the "
            "warehouse to use the thicker boxes for glass shades.",
        ),
        "cancel_subscription": Topic(
            subjects=("Cancel my subscription", "Please stop my monthly box"),
            openings=(
                "Please cancel my monthly subscription from the next billing date and confirm by email.",
                "Hi, I'm moving abroad and would like to end my subscription. How do I cancel it?",
            ),
            quick=(
                "Your subscription is cancelled. You will not be charged again, and you can still use it until "
                "the end of the period you have paid for. The confirmation is in your email.",
            ),
            threads=(
                (
                    "I can do that for you. Before I do: you can also pause the subscription for up to three "
                    "months without losing your current price. Would you like to pause it, or cancel it for good?",
                    "Cancel it, please. I won't need it any more.",
                    "Done: the subscription is cancelled from the next billing date, and the confirmation is on its "
                    "way to your email. Thank you for being with us!",
                ),
            ),
            note="Retention offer (3-month pause) made and declined. Cancelled at the end of the period.",
        ),
        "discount_code": Topic(
            subjects=("Discount code not working", "WINTER20 is refused at checkout"),
            openings=(
                "The code WINTER20 is refused at checkout although the newsletter says it is valid until the end "
                "of the month.",
                'Hi, I\'m trying to use the 20% code from your newsletter but the checkout says "code not valid". '
                "Has it expired?",
            ),
            quick=(
                "The code is valid, but it does not apply to items that are already on sale, and everything in "
                "your basket was reduced. As a thank you for your patience, here is a code for 10% off that "
                "works on sale items too: SORRY10.",
            ),
            threads=(
                (
                    "I'm sorry about that. Which products are in your basket? The code does not work on sale "
                    "items or gift cards.",
                    "The winter boots and a wool scarf.",
                    "That's it: the boots were already reduced. I have applied the 20% to the scarf on your order "
                    "{order} and refunded the difference, {amount}, to your card.",
                ),
                (
                    "The code needs a basket of at least £50 before delivery. Was your basket under that?",
                    "Oh, it was £46. I didn't see that in the newsletter.",
                    "It is in the small print, which is easy to miss. I have made you a one-time code without the "
                    "minimum: WINTER20-{order}. It is valid for seven days.",
                ),
            ),
            note="The newsletter did not mention the £50 minimum. Several tickets about it this week; told marketing.",
        ),
        "broken_device": Topic(
            subjects=("Coffee machine shows error E04", "Headphones will not charge"),
            openings=(
                "My coffee machine from order {order} shows error E04 and stops after a few seconds. I have only "
                "had it for a month.",
                "The wireless headphones I bought (order {order}) do not charge any more. The light does not come "
                "on when I plug them in.",
            ),
            quick=(
                "That error almost always means the water tank is not seated properly, so the machine thinks it "
                "is empty. Take the tank out, check that the small valve underneath is clean, and push the tank "
                "back until it clicks. The error should clear at once.",
            ),
            threads=(
                (
                    "Let's try a reset first: hold the power button down for 15 seconds, release it, then plug it "
                    "in with another cable and charger if you have one. Does anything change?",
                    "I tried with two different chargers and the reset. Still nothing.",
                    "Thank you for trying. It is covered by the warranty: I have emailed you a free return label, "
                    "and we send the replacement as soon as the carrier scans your parcel.",
                ),
                (
                    "Sorry to hear that. Could you descale the machine once (the program is in the manual, page "
                    "12) and tell me whether the error comes back?",
                    "I descaled it twice. The error is back after two cups.",
                    "Then it is a fault in the pump, covered by the warranty. A courier will collect the machine "
                    "on Thursday, and a new one is on its way to you, tracking code {tracking}.",
                ),
            ),
            note="Warranty case: replacement approved without inspection (under 3 months old). Faulty unit to go "
            "to the supplier for analysis.",
        ),
        "change_address": Topic(
            subjects=("Change delivery address for order {order}", "Wrong address on my order"),
            openings=(
                "I just noticed my order {order} has my old address. Can you change it to 7 Mill Lane, York YO1 6HT?",
                "Hi, can I still change the delivery address of order {order}? I'll be at my parents' next week.",
            ),
            quick=(
                "Your order has not been packed yet, so I have changed the address. It will go to the new one "
                "and ships tomorrow morning.",
            ),
            threads=(
                (
                    "The parcel has already left our warehouse, so I cannot change the address any more, but I can "
                    "ask the carrier to send it to a pickup point near you. What is your postcode?",
                    "YO1 6HT.",
                    "Done: the parcel is redirected to the pickup point at 12 Coney Street, York. You will get a "
                    "text message when it is ready to collect, tracking code {tracking}.",
                ),
            ),
            note="Address changed before packing. Check that the label printed tomorrow has the new address.",
        ),
        "refund_status": Topic(
            subjects=("Still waiting for my refund", "Refund for returned order {order}"),
            openings=(
                "I sent back order {order} two weeks ago and have not had my money back yet. When will the "
                "refund come?",
                "Hello, you confirmed my return of order {order}, but the refund of {amount} is not on my "
                "account. Can you check?",
            ),
            quick=(
                "Your return reached us on Monday and the refund of {amount} was made today. It shows on your "
                "statement within 3–5 working days, depending on your bank.",
            ),
            threads=(
                (
                    "I cannot find your return in our warehouse yet. Could you send me the tracking code from the "
                    "receipt you got when you posted it?",
                    "Here it is: {tracking}.",
                    "Thank you: the parcel had been delivered to our old returns address. It has been found and "
                    "your refund of {amount} was made today; it shows on your statement within 3–5 working days.",
                ),
            ),
            note="Return arrived at the old returns address. Asked the warehouse to collect everything from there "
            "this week.",
        ),
    },
    long=Long(
        subject="Robot vacuum will not connect to the app",
        opening="Hi, I bought the RoboClean S7 (order {order}) last week. The app finds the vacuum, but pairing "
        'always fails at 80% with "Device could not join the network". Screenshot attached. I have tried five '
        "times now.",
        first="Thank you for the screenshot, that helps. Let's go through a few checks together, one at a time.",
        steps=(
            (
                "Could you restart the router (unplug it for 30 seconds) and try pairing again?",
                "Restarted the router, tried again. Still stops at 80%.",
            ),
            (
                "The vacuum only works with 2.4 GHz Wi-Fi. Does your router have separate 2.4 GHz and 5 GHz "
                "networks? If so, please connect your phone to the 2.4 GHz one while pairing.",
                "It has one network name for both. I found a setting to split them, connected to the 2.4 GHz one "
                "and tried again. Same error.",
            ),
            (
                "Please make sure the app is up to date (version 5.3 or later) and that it is allowed to use your "
                "location; the phone needs it to find devices nearby.",
                "The app was 5.3 already, and location is on. No change.",
            ),
            (
                "Let's reset the vacuum's network settings: hold the Home and Spot buttons together for 5 "
                'seconds until it says "Wi-Fi reset", then pair again.',
                "Did the reset, heard the voice. It failed again at 80%.",
            ),
            (
                "Do you have a VPN or an ad blocker running on the phone? They can block the pairing. Please turn "
                "them off for a moment.",
                "I had a VPN on! Turned it off and tried again, but no luck.",
            ),
            (
                "Does your Wi-Fi password contain special characters such as & or #? Some of them confuse the "
                "vacuum's Wi-Fi chip.",
                "It has a # in it. I made a guest network with letters and numbers only and tried with that. "
                "Still 80%.",
            ),
            (
                "Could you put the vacuum right next to the router for the pairing, just to rule out a weak signal?",
                "It is now half a metre from the router. Same thing.",
            ),
            (
                "Could you try pairing from another phone, if someone at home has one? That tells us whether the "
                "phone or the vacuum is the problem.",
                "Tried with [[my wife's|my husband's]] Android phone. Exactly the same error.",
            ),
            (
                "In the app, please remove the vacuum from the device list completely (Settings > Remove device), "
                "close the app, and add it again from the start.",
                "Removed it, reinstalled the app even, added it again. 80% and the same message.",
            ),
            (
                "Please check in the router's settings that the channel of the 2.4 GHz network is between 1 and "
                "11; channels 12 and 13 are not supported in every country version.",
                "It was on channel 13! I changed it to 6. It got further this time, to 90%, but then the same error.",
            ),
            (
                'Does your router have a setting called "WPA3 only" or "Protected Management Frames: '
                'required"? If so, please set it to WPA2/WPA3 mixed.',
                "It was WPA2/WPA3 already.",
            ),
            (
                "Could you look at the label under the vacuum and tell me the firmware version shown in the app "
                "under Device info?",
                "The app says firmware 2.8.0.",
            ),
        ),
        note_stuck="Went through the whole pairing checklist with the customer (2.4 GHz, VPN, channel, "
        "reset, second phone). Still fails at 80-90%. Firmware 2.8.0. {colleague}, have you seen this?",
        escalate="Thank you for your patience, you have tried everything on our list. I am passing this to our "
        "technical team. Could you send them the app's log? In the app, go to Help > Send log and save the file.",
        log="Here is the log file.",
        note_expert="Yes: firmware 2.8.0 fails the handshake with some routers from the big ISPs' 2023 series. "
        "2.8.3 fixes it, and the vacuum can update itself over the phone's hotspot. I'll take the ticket.",
        handover="Taking this over from here. Log confirms the handshake error (code 0x1F).",
        fix="I'm from the technical team and have read your log: your vacuum has firmware 2.8.0, which has a known "
        "problem with some routers. Please hold the Home button for 10 seconds until the light turns purple; "
        "the vacuum then updates itself to 2.8.3 over the phone's hotspot (the app guides you). After that, "
        "pairing works.",
        fixed="It worked! Updated, paired on the first try, and it is cleaning the living room right now. Thank "
        "you both for sticking with this.",
        closing="Wonderful, thank you for letting us know, and for your patience. I'll close the ticket now; if "
        "anything comes up, just reply to this message.",
    ),
)
