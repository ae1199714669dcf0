"""The demo's conversations in Swedish (opsdesk/tickets/demo_scripts/__init__.py explains the placeholders)."""

from opsdesk.tickets.demo_scripts import Long, Script, Topic

SCRIPT = Script(
    greetings=("Hej {name},", "Hej {name}!", "Hejsan {name},"),
    signoffs=("Vänliga hälsningar\n{agent}", "Med vänlig hälsning\n{agent}\nKundtjänst", "Ha en fin dag!\n{agent}"),
    amounts=("249 kr", "395 kr", "579 kr", "129 kr", "899 kr", "1 495 kr"),
    files={
        "photo": "skadat-paket.png",
        "statement": "kontoutdrag.png",
        "invoice": "faktura.pdf",
        "screenshot": "felmeddelande.png",
        "log": "applogg.txt",
    },
    duplicate=(
        "Jag mejlade om det här i går men har inte fått något svar, så jag skriver igen:",
        "Jag skickar det här en gång till ifall mitt första meddelande försvann.",
    ),
    topics={
        "where_is_order": Topic(
            subjects=("Var är min beställning {order}?", "Paketet för order {order} har inte kommit"),
            openings=(
                "Hej, jag beställde för två veckor sedan (order {order}) och spårningssidan har inte ändrats på "
                "fem dagar. Kan ni kolla var paketet är?",
                'Hej, min order {order} skulle komma i måndags, men spårningen säger fortfarande "under '
                'transport". Har paketet kommit bort?',
            ),
            quick=(
                "Jag har kollat med transportören: paketet kom till ombudet på ICA Nära Södermalm i går "
                "eftermiddag, men deras skanning uppdaterade inte spårningssidan. Det väntar på dig där i 14 "
                "dagar. Ta med spårningskoden {tracking} och legitimation.",
            ),
            threads=(
                (
                    "Enligt transportören levererades paketet i tisdags kl. 14.12 och lämnades hos en granne "
                    "(lägenhet 12) eftersom ingen öppnade. Kan du fråga om de har det?",
                    "Hittat! Grannen hade det hela tiden och glömde lämna en lapp. Förlåt besväret.",
                    "Inget besvär alls, skönt att paketet dök upp. Hoppas du blir nöjd med beställningen!",
                ),
                (
                    "Jag beklagar: paketet har inte skannats sedan det lämnade sorteringscentralen, så jag har bett "
                    "transportören att efterforska det. Hittar de det inte inom två arbetsdagar skickar vi ett nytt "
                    "utan kostnad. Är leveransadressen fortfarande densamma?",
                    "Ja, adressen är densamma. Skicka gärna ett nytt, jag behöver det före helgen.",
                    "Klart: ett nytt paket lämnade vårt lager i dag med expressleverans, spårningskod {tracking}. "
                    "Om det första paketet ändå dyker upp kan du låta bli att hämta det, så kommer det tillbaka "
                    "till oss.",
                ),
            ),
            note="Efterforskning öppnad hos transportören för {order} (deras referens TR-40217). Kolla igen på "
            "torsdag; saknas det fortfarande skickar vi ett nytt utan att vänta.",
        ),
        "double_charge": Topic(
            subjects=("Dubbeldebiterad för order {order}", "Dubbel dragning på mitt kort"),
            openings=(
                "Hej, mitt kontoutdrag visar två likadana dragningar på {amount} för order {order}. Vänligen "
                "återbetala den dubbla betalningen. En skärmbild av kontoutdraget är bifogad.",
                "Hej, jag betalade order {order} och betalsidan hängde sig, så jag tryckte på Betala igen. Nu ser "
                "jag {amount} två gånger på kortet (skärmbild bifogad). Kan ni betala tillbaka den ena?",
            ),
            quick=(
                "Tack för skärmbilden. Bara en av betalningarna har kommit fram till oss: den andra är en "
                "reservation som din bank gjorde när sidan hängde sig, och den släpps automatiskt inom 3–5 "
                "bankdagar. Du behöver inte göra något, och du har inte debiterats två gånger.",
            ),
            threads=(
                (
                    "Jag ser båda betalningarna på {amount} hos oss, så den andra är en verklig dubbeldragning. För "
                    "att återbetalningen ska gå till rätt kort: kan du bekräfta kortets fyra sista siffror?",
                    "Visst, det är Visa-kortet som slutar på 4821.",
                    "Tack. Jag har i dag återbetalat {amount} till kortet som slutar på 4821. Beroende på din bank "
                    "syns det på kontoutdraget inom 3–5 bankdagar.",
                ),
                (
                    "Hos oss ser jag bara en betalning för order {order}. Den andra raden är troligen en väntande "
                    "reservation från din bank. Kan du titta om två, tre dagar om den har försvunnit?",
                    "Du hade rätt, den andra dragningen är borta från kontoutdraget i dag. Tack!",
                    "Vad bra, tack för att du hörde av dig. Jag stänger ärendet, men svara bara om något mer dyker "
                    "upp.",
                ),
            ),
            note="Betalleverantören visar två dragningar för {order}. Återbetalning av den andra påbörjad; ordern "
            "behöver inte makuleras.",
        ),
        "wrong_size": Topic(
            subjects=("Fel storlek levererades", "Jackan i order {order} har fel storlek"),
            openings=(
                "Jackan i order {order} kom i storlek M men jag beställde L. Hur byter jag den?",
                "Hej, jag fick paketet i dag men jackan är i storlek M, min orderbekräftelse säger L. Kan jag byta "
                "den? Jag har inte använt den.",
            ),
            quick=(
                "Förlåt för förväxlingen. Jag har mejlat dig en förbetald returetikett och reserverat en jacka i "
                "L åt dig. Den skickas så fort transportören skannar din retur, så du behöver inte vänta tills den "
                "når vårt lager.",
            ),
            threads=(
                (
                    "Förlåt, lagret plockade fel storlek. Vi har L i lager. Vill du byta jackan, eller vill du hellre "
                    "ha pengarna tillbaka?",
                    "Byta, tack. Jag gillar verkligen jackan.",
                    "Klart: den förbetalda returetiketten finns i din e-post, och din L lämnar lagret så fort "
                    "returen har skannats. Spårningskoden blir {tracking}.",
                ),
                (
                    "Jag beklagar misstaget. L är slut i den färgen just nu, men vi får in fler nästa vecka. Vill du "
                    "vänta på den, eller ta L i marinblått, som finns i lager?",
                    "Jag tar den marinblå, det går bra.",
                    "Bra val! Den marinblå L skickas i dag, spårningskod {tracking}. Skicka tillbaka M med "
                    "returetiketten jag mejlat dig; det kostar dig ingenting.",
                ),
            ),
            note="Plockfel på lagret: andra klagomålet på fel storlek från batch W-17 den här veckan. Rapporterat "
            "till lageransvarig.",
        ),
        "login": Topic(
            subjects=("Kan inte logga in på mitt konto", "Återställning av lösenord fungerar inte"),
            openings=(
                "Jag har återställt lösenordet två gånger men inloggningssidan säger fortfarande att lösenordet "
                "är fel. Kan ni hjälpa till?",
                'Hej, jag får "fel e-postadress eller lösenord" varje gång, fast jag precis valde ett nytt '
                "lösenord via återställningslänken. Vad gör jag för fel?",
            ),
            quick=(
                "Ditt konto hade spärrats efter för många försök, och därför nekades även det nya lösenordet. Jag "
                "har låst upp det nu. Logga in en gång till med det lösenord du valde senast; om webbläsaren fyller "
                "i ett gammalt, skriv det för hand.",
            ),
            threads=(
                (
                    "Jag ser två konton i ditt namn, ett med privat och ett med jobbadress. Vilken adress loggar du "
                    "in med?",
                    "Jobbadressen. Jag visste inte ens att jag hade ett andra konto!",
                    "Det förklarar saken: återställningslänkarna gick till din privata adress. Jag har skickat en ny "
                    "länk till jobbadressen; den gäller i en timme. Om du vill kan jag också slå ihop kontona.",
                ),
                (
                    "Loggar du in i mobilappen eller i en webbläsare? Version 4.1 av appen hade ett fel som nekade "
                    "nya lösenord.",
                    "I appen, på min iPhone.",
                    "Då löser en uppdatering det: version 4.2 finns i App Store. Tills du uppdaterat fungerar det "
                    "att logga in på vår webbplats med det nya lösenordet.",
                ),
            ),
            note="Kontot spärrades av inloggningsgränsen (12 misslyckade försök på 5 minuter). Inga tecken på att "
            "någon annan försökt; upplåst.",
        ),
        "invoice": Topic(
            subjects=("Faktura till bokföringen", "Momsfaktura för order {order}"),
            openings=(
                "Kan ni skicka en faktura med vårt momsnummer för order {order}? Bokföringen behöver den senast på "
                "fredag.",
                "Hej, kvittot för order {order} visar inte våra företagsuppgifter. Vår redovisningskonsult behöver "
                "en riktig faktura. Kan ni ta fram en?",
            ),
            quick=(
                "Här är fakturan för order {order} med ert företagsnamn och momsnummer, bifogad som PDF. En kopia "
                "finns också på ditt konto under Beställningar.",
            ),
            threads=(
                (
                    "Självklart. Kan du skicka företagets fullständiga namn, fakturaadress och momsnummer, så att "
                    "fakturan blir rätt från början?",
                    "Nordljus AB, Storgatan 14, 411 38 Göteborg, momsnr SE556677889901.",
                    "Tack. Fakturan för order {order} är bifogad, med era företagsuppgifter och ert momsnummer. Jag "
                    "har också sparat uppgifterna på kontot till kommande beställningar.",
                ),
            ),
            note="Kunden bad om faktura med momsnummer. Kom ihåg att spara faktureringsuppgifterna på kontot, så "
            "att det inte kommer tillbaka varje månad.",
        ),
        "damaged": Topic(
            subjects=("Skadad vara", "Lampan kom trasig"),
            openings=(
                "Lampan i order {order} kom med en sprucken skärm. Jag bifogade en bild på kartongen.",
                "Hej, min lampa (order {order}) kom i dag och glasskärmen är trasig. Kartongen var redan intryckt "
                "när den kom, se bilden.",
            ),
            quick=(
                "Tack för bilden, och förlåt att den kom trasig. En ny lampa är på väg utan kostnad, spårningskod "
                "{tracking}. Den trasiga kan du behålla eller lämna till återvinning, du behöver inte skicka "
                "tillbaka den.",
            ),
            threads=(
                (
                    "Tack för bilden, den visar tydligt transportskadan. Vill du ha en ny lampa eller pengarna "
                    "tillbaka ({amount})?",
                    "En ny, tack. Kan ni packa den lite bättre den här gången?",
                    "Självklart: den nya lampan skickas i morgon i dubbel förpackning, spårningskod {tracking}. Jag "
                    "har också anmält skadan till transportören, så du behöver inte göra något mer.",
                ),
                (
                    "Jag beklagar. Är det bara skärmen som är trasig, eller även lampfoten? Fungerar foten kan vi "
                    "skicka bara en ny skärm, vilket går snabbare.",
                    "Bara skärmen, själva lampan fungerar bra.",
                    "Då är en ny skärm på väg, spårningskod {tracking}. Den bör vara framme inom två till tre "
                    "arbetsdagar.",
                ),
            ),
            note="Tredje trasiga lampan från samma transportör den här månaden. Skadeanmälan gjord; värt att be "
            "lagret använda de tjockare kartongerna för glasskärmar.",
        ),
        "cancel_subscription": Topic(
            subjects=("Avsluta mitt abonnemang", "Säg upp min månadslåda"),
            openings=(
                "Vänligen avsluta mitt månadsabonnemang från nästa faktureringsdatum och bekräfta via e-post.",
                "Hej, jag flyttar utomlands och vill avsluta mitt abonnemang. Hur säger jag upp det?",
            ),
            quick=(
                "Ditt abonnemang är uppsagt. Du debiteras inte igen, och du kan använda det till slutet av den "
                "period du har betalat för. Bekräftelsen finns i din e-post.",
            ),
            threads=(
                (
                    "Det kan jag ordna. Innan jag gör det: du kan också pausa abonnemanget i upp till tre månader "
                    "utan att förlora ditt nuvarande pris. Vill du pausa, eller säga upp för gott?",
                    "Säg upp det, tack. Jag kommer inte att behöva det mer.",
                    "Klart: abonnemanget upphör från nästa faktureringsdatum, och bekräftelsen är på väg till din "
                    "e-post. Tack för att du har varit kund hos oss!",
                ),
            ),
            note="Erbjöd tre månaders paus, kunden tackade nej. Uppsagt från periodens slut.",
        ),
        "discount_code": Topic(
            subjects=("Rabattkoden fungerar inte", "VINTER20 nekas i kassan"),
            openings=(
                "Koden VINTER20 nekas i kassan fast nyhetsbrevet säger att den gäller månaden ut.",
                'Hej, jag försöker använda 20 %-koden från ert nyhetsbrev men kassan säger "ogiltig kod". Har den '
                "gått ut?",
            ),
            quick=(
                "Koden gäller, men inte på varor som redan är nedsatta, och allt i din varukorg var på rea. Som tack "
                "för ditt tålamod får du här en kod på 10 % som fungerar även på reavaror: FORLAT10.",
            ),
            threads=(
                (
                    "Förlåt för krånglet. Vilka varor har du i varukorgen? Koden gäller inte reavaror eller "
                    "presentkort.",
                    "Vinterkängorna och en ullhalsduk.",
                    "Där har vi det: kängorna var redan nedsatta. Jag har dragit av 20 % på halsduken i din order "
                    "{order} och betalat tillbaka mellanskillnaden, {amount}, till ditt kort.",
                ),
                (
                    "Koden kräver att varukorgen är på minst 500 kr före frakt. Låg din varukorg under det?",
                    "Jaha, den var på 460 kr. Det såg jag inte i nyhetsbrevet.",
                    "Det står med liten stil och är lätt att missa. Jag har gjort en engångskod utan minimibelopp åt "
                    "dig: VINTER20-{order}. Den gäller i sju dagar.",
                ),
            ),
            note="Nyhetsbrevet nämnde inte minimibeloppet 500 kr. Flera ärenden om det den här veckan; har sagt "
            "till marknadsavdelningen.",
        ),
        "broken_device": Topic(
            subjects=("Kaffemaskinen visar fel E04", "Hörlurarna laddar inte"),
            openings=(
                "Kaffemaskinen från order {order} visar fel E04 och stannar efter några sekunder. Jag har bara haft "
                "den i en månad.",
                "De trådlösa hörlurarna jag köpte (order {order}) laddar inte längre. Lampan tänds inte när jag "
                "kopplar in dem.",
            ),
            quick=(
                "Det felet betyder nästan alltid att vattentanken inte sitter ordentligt, så maskinen tror att den "
                "är tom. Ta ut tanken, kontrollera att den lilla ventilen under den är ren och tryck tillbaka "
                "tanken tills det klickar. Felet bör försvinna direkt.",
            ),
            threads=(
                (
                    "Vi provar en återställning först: håll strömknappen intryckt i 15 sekunder, släpp och koppla "
                    "in dem med en annan kabel och laddare om du har. Händer det något?",
                    "Jag har provat med två olika laddare och återställningen. Fortfarande ingenting.",
                    "Tack för att du provade. Det täcks av garantin: jag har mejlat dig en kostnadsfri "
                    "returetikett, och vi skickar ersättningen så fort transportören skannar ditt paket.",
                ),
                (
                    "Tråkigt att höra. Kan du avkalka maskinen en gång (programmet står i bruksanvisningen, sidan "
                    "12) och berätta om felet kommer tillbaka?",
                    "Jag har avkalkat två gånger. Felet kommer tillbaka efter två koppar.",
                    "Då är det ett fel i pumpen, som täcks av garantin. Ett bud hämtar maskinen på torsdag, och en "
                    "ny är på väg till dig, spårningskod {tracking}.",
                ),
            ),
            note="Garantiärende: ersättning godkänd utan kontroll (under 3 månader gammal). Den trasiga enheten "
            "går till leverantören för analys.",
        ),
        "change_address": Topic(
            subjects=("Ändra leveransadress för order {order}", "Fel adress på min beställning"),
            openings=(
                "Jag såg just att min order {order} har min gamla adress. Kan ni ändra den till Kungsgatan 7, "
                "753 21 Uppsala?",
                "Hej, går det fortfarande att ändra leveransadressen för order {order}? Jag är hos mina föräldrar "
                "nästa vecka.",
            ),
            quick=(
                "Din order är inte packad än, så jag har ändrat adressen. Den skickas till den nya adressen i "
                "morgon bitti.",
            ),
            threads=(
                (
                    "Paketet har redan lämnat vårt lager, så adressen går inte att ändra längre, men jag kan be "
                    "transportören skicka det till ett ombud nära dig. Vilket postnummer har du?",
                    "753 21.",
                    "Klart: paketet skickas om till ombudet på Pressbyrån Kungsgatan. Du får ett sms när det går att "
                    "hämta, spårningskod {tracking}.",
                ),
            ),
            note="Adressen ändrad före packning. Kontrollera att etiketten som skrivs ut i morgon har den nya "
            "adressen.",
        ),
        "refund_status": Topic(
            subjects=("Väntar fortfarande på min återbetalning", "Återbetalning för returnerad order {order}"),
            openings=(
                "Jag skickade tillbaka order {order} för två veckor sedan och har fortfarande inte fått pengarna. "
                "När kommer återbetalningen?",
                "Hej, ni bekräftade min retur av order {order}, men återbetalningen på {amount} har inte kommit "
                "till mitt konto. Kan ni kolla?",
            ),
            quick=(
                "Din retur kom fram till oss i måndags, och återbetalningen på {amount} gjordes i dag. Den syns på "
                "kontoutdraget inom 3–5 bankdagar, beroende på din bank.",
            ),
            threads=(
                (
                    "Jag hittar inte din retur på vårt lager än. Kan du skicka spårningskoden från kvittot du fick "
                    "när du lämnade paketet?",
                    "Här är den: {tracking}.",
                    "Tack: paketet hade levererats till vår gamla returadress. Det är hittat nu, och "
                    "återbetalningen på {amount} gjordes i dag; den syns på kontoutdraget inom 3–5 bankdagar.",
                ),
            ),
            note="Returen hade gått till den gamla returadressen. Har bett lagret hämta allt därifrån den här veckan.",
        ),
    },
    long=Long(
        subject="Robotdammsugaren ansluter inte till appen",
        opening="Hej, jag köpte RoboClean S7 (order {order}) förra veckan. Appen hittar dammsugaren, men "
        'anslutningen misslyckas alltid vid 80 % med "Enheten kunde inte ansluta till nätverket". Skärmbild '
        "bifogad. Jag har försökt fem gånger nu.",
        first="Tack för skärmbilden, den hjälper. Vi går igenom några kontroller tillsammans, en i taget.",
        steps=(
            (
                "Kan du starta om routern (dra ur sladden i 30 sekunder) och försöka ansluta igen?",
                "Startade om routern och försökte igen. Stannar fortfarande på 80 %.",
            ),
            (
                "Dammsugaren fungerar bara med 2,4 GHz-wifi. Har din router separata nät för 2,4 och 5 GHz? I så "
                "fall, anslut telefonen till 2,4 GHz-nätet medan du ansluter dammsugaren.",
                "Båda har samma nätverksnamn. Jag hittade en inställning för att dela upp dem, anslöt till 2,4 GHz "
                "och försökte igen. Samma fel.",
            ),
            (
                "Se till att appen är uppdaterad (version 5.3 eller senare) och att den får använda platsen; "
                "telefonen behöver den för att hitta enheter i närheten.",
                "Appen hade redan version 5.3, och platstjänster är på. Ingen skillnad.",
            ),
            (
                "Vi återställer dammsugarens nätverksinställningar: håll Hem- och Spot-knapparna intryckta samtidigt "
                'i 5 sekunder tills den säger "Wi-Fi reset", och anslut sedan igen.',
                "Gjorde återställningen, hörde rösten. Misslyckades igen vid 80 %.",
            ),
            (
                "Har du en VPN eller annonsblockerare igång på telefonen? De kan blockera anslutningen. Stäng av "
                "dem en stund.",
                "Jag hade VPN på! Stängde av den och försökte igen, men utan lycka.",
            ),
            (
                "Innehåller ditt wifi-lösenord specialtecken som & eller #? En del av dem förvirrar dammsugarens "
                "wifi-krets.",
                "Det har ett # i sig. Jag skapade ett gästnätverk med bara bokstäver och siffror och försökte med "
                "det. Fortfarande 80 %.",
            ),
            (
                "Kan du ställa dammsugaren alldeles intill routern under anslutningen, så att vi kan utesluta en "
                "svag signal?",
                "Den står nu en halvmeter från routern. Samma sak.",
            ),
            (
                "Kan du försöka ansluta från en annan telefon, om någon hemma har en? Då vet vi om det är telefonen "
                "eller dammsugaren det är fel på.",
                "Provade med [[min frus|min mans]] Android-telefon. Exakt samma fel.",
            ),
            (
                "Ta bort dammsugaren helt från enhetslistan i appen (Inställningar > Ta bort enhet), stäng appen och "
                "lägg till den igen från början.",
                "Tog bort den, installerade till och med om appen och lade till den igen. 80 % och samma meddelande.",
            ),
            (
                "Kan du kontrollera i routerns inställningar att 2,4 GHz-nätets kanal är mellan 1 och 11? Kanal 12 "
                "och 13 stöds inte i alla landsversioner.",
                "Den låg på kanal 13! Jag bytte till 6. Den kom längre den här gången, till 90 %, men sedan samma fel.",
            ),
            (
                'Har routern en inställning som heter "Endast WPA3" eller "Protected Management Frames: krävs"? '
                "I så fall, ställ om den till WPA2/WPA3 blandat.",
                "Den stod redan på WPA2/WPA3.",
            ),
            (
                "Kan du titta i appen under Enhetsinformation vilken firmwareversion dammsugaren har?",
                "Appen säger firmware 2.8.0.",
            ),
        ),
        note_stuck="Har gått igenom hela checklistan för anslutning med kunden (2,4 GHz, VPN, kanal, "
        "återställning, annan telefon). Misslyckas fortfarande vid 80–90 %. Firmware 2.8.0. {colleague}, har du "
        "sett det här?",
        escalate="Tack för ditt tålamod, du har provat allt på vår lista. Jag skickar ärendet vidare till vårt "
        "tekniska team. Kan du skicka appens logg till dem? I appen: Hjälp > Skicka logg, och spara filen.",
        log="Här är loggfilen.",
        note_expert="Ja: firmware 2.8.0 klarar inte handskakningen med vissa routrar från operatörernas "
        "2023-serie. 2.8.3 rättar det, och dammsugaren kan uppdatera sig själv via telefonens surfzon. Jag tar "
        "ärendet.",
        handover="Jag tar över härifrån. Loggen bekräftar handskakningsfelet (kod 0x1F).",
        fix="Jag är från det tekniska teamet och har läst din logg: din dammsugare har firmware 2.8.0, som har ett "
        "känt problem med vissa routrar. Håll Hem-knappen intryckt i 10 sekunder tills lampan blir lila; då "
        "uppdaterar dammsugaren sig själv till 2.8.3 via telefonens surfzon (appen guidar dig). Därefter fungerar "
        "anslutningen.",
        fixed="Det fungerade! Uppdaterad, ansluten på första försöket, och den städar vardagsrummet just nu. Tack "
        "till er båda för att ni inte gav upp.",
        closing="Underbart, tack för att du berättade, och för ditt tålamod. Jag stänger ärendet nu; om något "
        "dyker upp är det bara att svara på det här meddelandet.",
    ),
)
