"""Realistic demo content in the five languages: names, ticket subjects and conversations."""

from __future__ import annotations

DEMO_PASSWORD = "opsdesk-demo"

FIRST_NAMES = {
    "en": ["Emma", "Oliver", "Ava", "Jack", "Sophie", "Harry", "Grace", "Thomas", "Chloe", "James", "Lily", "Daniel"],
    "fi": ["Aino", "Eino", "Helmi", "Väinö", "Sofia", "Leo", "Ella", "Oliver", "Aada", "Onni", "Lilja", "Elias"],
    "sv": ["Alice", "William", "Maja", "Lucas", "Elsa", "Hugo", "Astrid", "Oscar", "Wilma", "Nils", "Saga", "Axel"],
    "ru": [
        "Анна",
        "Иван",
        "Мария",
        "Дмитрий",
        "Елена",
        "Сергей",
        "Ольга",
        "Алексей",
        "Наталья",
        "Михаил",
        "Татьяна",
        "Андрей",
    ],
    "el": [
        "Μαρία",
        "Γιώργος",
        "Ελένη",
        "Νίκος",
        "Κατερίνα",
        "Δημήτρης",
        "Σοφία",
        "Κώστας",
        "Άννα",
        "Γιάννης",
        "Δέσποινα",
        "Παναγιώτης",
    ],
}
LAST_NAMES = {
    "en": ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker", "Wright", "Roberts", "Clarke"],
    "fi": [
        "Korhonen",
        "Virtanen",
        "Mäkinen",
        "Nieminen",
        "Mäkelä",
        "Hämäläinen",
        "Laine",
        "Heikkinen",
        "Koskinen",
        "Järvinen",
    ],
    "sv": [
        "Andersson",
        "Johansson",
        "Karlsson",
        "Nilsson",
        "Eriksson",
        "Larsson",
        "Olsson",
        "Persson",
        "Svensson",
        "Lindqvist",
    ],
    "ru": ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Федоров"],
    "el": [
        "Παπαδόπουλος",
        "Γεωργίου",
        "Δημητρίου",
        "Νικολάου",
        "Ιωάννου",
        "Κωνσταντίνου",
        "Παπαδάκης",
        "Αθανασίου",
        "Βασιλείου",
        "Χριστοδούλου",
    ],
}
TIME_ZONES = {
    "en": "Europe/London",
    "fi": "Europe/Helsinki",
    "sv": "Europe/Stockholm",
    "ru": "Europe/Moscow",
    "el": "Europe/Athens",
}
EMAIL_DOMAINS = {
    "en": "example.co.uk",
    "fi": "esimerkki.fi",
    "sv": "exempel.se",
    "ru": "primer.ru",
    "el": "paradeigma.gr",
}
# Each team's name in the five languages (English is the default language's, the name the database keeps), the
# language it answers in, and its skills.
TEAMS = [
    (
        {
            "en": "English Support",
            "fi": "Englanninkielinen asiakastuki",
            "sv": "Engelsk kundtjänst",
            "ru": "Поддержка на английском",
            "el": "Υποστήριξη στα αγγλικά",
        },
        "en",
        ["billing", "shipping"],
    ),
    (
        {
            "en": "Finnish Support",
            "fi": "Suomen asiakastuki",
            "sv": "Finsk kundtjänst",
            "ru": "Поддержка на финском",
            "el": "Υποστήριξη στα φινλανδικά",
        },
        "fi",
        ["billing", "returns"],
    ),
    (
        {
            "en": "Swedish Support",
            "fi": "Ruotsinkielinen asiakastuki",
            "sv": "Svensk kundtjänst",
            "ru": "Поддержка на шведском",
            "el": "Υποστήριξη στα σουηδικά",
        },
        "sv",
        ["shipping", "returns"],
    ),
    (
        {
            "en": "Russian Support",
            "fi": "Venäjänkielinen asiakastuki",
            "sv": "Rysk kundtjänst",
            "ru": "Русская поддержка",
            "el": "Υποστήριξη στα ρωσικά",
        },
        "ru",
        ["billing", "technical"],
    ),
    (
        {
            "en": "Greek Support",
            "fi": "Kreikankielinen asiakastuki",
            "sv": "Grekisk kundtjänst",
            "ru": "Поддержка на греческом",
            "el": "Ελληνική υποστήριξη",
        },
        "el",
        ["shipping", "technical"],
    ),
]
ORGANIZATIONS = [
    ("Northwind Traders", "northwind.example"),
    ("Kalevala Design Oy", "kalevaladesign.example"),
    ("Nordljus AB", "nordljus.example"),
    ("Волга Логистика", "volga-log.example"),
    ("Αιγαίο Τουρισμός", "aigaio-tour.example"),
    ("Contoso Retail", "contoso.example"),
    ("Sisu Sports Oy", "sisusports.example"),
    ("Fjällbacka Bageri", "fjallbacka.example"),
    ("Уральские Системы", "ural-sys.example"),
    ("Ολυμπία Τρόφιμα", "olympia-food.example"),
]

# (subject, opening message) per language; {order} is an order number.
REQUESTS = {
    "en": [
        (
            "Where is my order {order}?",
            "Hi, I ordered two weeks ago (order {order}) and the tracking page has not "
            "changed for five days. Could you check where the parcel is?",
        ),
        (
            "Charged twice for order {order}",
            "Hello, my card statement shows two identical charges for order {order}. "
            "Please refund the duplicate payment.",
        ),
        (
            "Wrong size delivered",
            "The jacket in order {order} arrived in size M, but I ordered L. How do I exchange it?",
        ),
        (
            "Cannot log in to my account",
            "I reset my password twice but the sign-in page still says the password is wrong. Can you help?",
        ),
        (
            "Invoice needed for accounting",
            "Could you send an invoice with our VAT number for order {order}? Our accounting needs it by Friday.",
        ),
        ("Damaged item", "The lamp in order {order} arrived with a cracked shade. I attached a photo of the box."),
        (
            "Cancel my subscription",
            "Please cancel my monthly subscription from the next billing date and confirm by email.",
        ),
        (
            "Discount code not working",
            "The code WINTER20 is refused at checkout although the newsletter says it is "
            "valid until the end of the month.",
        ),
    ],
    "fi": [
        (
            "Missä tilaukseni {order} on?",
            "Hei, tilasin kaksi viikkoa sitten (tilaus {order}), eikä seurantasivu ole "
            "päivittynyt viiteen päivään. Voisitteko tarkistaa, missä paketti on?",
        ),
        (
            "Tilauksesta {order} veloitettiin kahdesti",
            "Hei, tiliotteellani näkyy kaksi samanlaista veloitusta "
            "tilauksesta {order}. Palauttakaa ylimääräinen maksu.",
        ),
        ("Väärä koko toimitettiin", "Tilauksen {order} takki tuli kokoa M, vaikka tilasin L. Miten voin vaihtaa sen?"),
        (
            "En pääse kirjautumaan tililleni",
            "Vaihdoin salasanan kahdesti, mutta kirjautumissivu sanoo yhä, että salasana on väärä. Voitteko auttaa?",
        ),
        (
            "Lasku kirjanpitoa varten",
            "Voisitteko lähettää tilauksesta {order} laskun, jossa on Y-tunnuksemme? "
            "Kirjanpito tarvitsee sen perjantaihin mennessä.",
        ),
        ("Rikkoutunut tuote", "Tilauksen {order} valaisimen varjostin oli haljennut. Liitin kuvan pakkauksesta."),
        (
            "Tilauksen peruutus",
            "Peruuttakaa kuukausitilaukseni seuraavasta laskutuspäivästä alkaen ja vahvistakaa sähköpostilla.",
        ),
        (
            "Alennuskoodi ei toimi",
            "Koodi TALVI20 hylätään kassalla, vaikka uutiskirjeen mukaan se on voimassa kuun loppuun.",
        ),
    ],
    "sv": [
        (
            "Var är min beställning {order}?",
            "Hej, jag beställde för två veckor sedan (order {order}) och "
            "spårningssidan har inte ändrats på fem dagar. Kan ni kolla var paketet är?",
        ),
        (
            "Dubbeldebiterad för order {order}",
            "Hej, mitt kontoutdrag visar två likadana dragningar för order "
            "{order}. Vänligen återbetala den dubbla betalningen.",
        ),
        ("Fel storlek levererades", "Jackan i order {order} kom i storlek M men jag beställde L. Hur byter jag den?"),
        (
            "Kan inte logga in på mitt konto",
            "Jag har återställt lösenordet två gånger men inloggningssidan säger "
            "fortfarande att lösenordet är fel. Kan ni hjälpa till?",
        ),
        (
            "Faktura till bokföringen",
            "Kan ni skicka en faktura med vårt momsnummer för order {order}? Bokföringen behöver den senast på fredag.",
        ),
        ("Skadad vara", "Lampan i order {order} kom med en sprucken skärm. Jag bifogade en bild på kartongen."),
        (
            "Avsluta mitt abonnemang",
            "Vänligen avsluta mitt månadsabonnemang från nästa faktureringsdatum och bekräfta via e-post.",
        ),
        (
            "Rabattkoden fungerar inte",
            "Koden VINTER20 nekas i kassan fast nyhetsbrevet säger att den gäller månaden ut.",
        ),
    ],
    "ru": [
        (
            "Где мой заказ {order}?",
            "Здравствуйте! Я оформил заказ {order} две недели назад, а статус отслеживания "
            "не меняется уже пять дней. Проверьте, пожалуйста, где посылка.",
        ),
        (
            "Двойное списание за заказ {order}",
            "Добрый день! В выписке по карте два одинаковых списания за заказ "
            "{order}. Пожалуйста, верните лишний платёж.",
        ),
        ("Доставили не тот размер", "Куртка из заказа {order} пришла размера M, а я заказывала L. Как её обменять?"),
        (
            "Не могу войти в аккаунт",
            "Я дважды сбросил пароль, но страница входа всё равно пишет, что пароль неверный. Помогите, пожалуйста.",
        ),
        (
            "Нужен счёт для бухгалтерии",
            "Пришлите, пожалуйста, счёт с нашим ИНН по заказу {order}. Бухгалтерии он нужен до пятницы.",
        ),
        ("Товар повреждён", "Лампа из заказа {order} пришла с треснувшим абажуром. Прикладываю фото коробки."),
        ("Отмените подписку", "Прошу отменить ежемесячную подписку со следующей даты списания и подтвердить по почте."),
        (
            "Промокод не работает",
            "Код ZIMA20 не принимается при оформлении, хотя в рассылке написано, что он действует до конца месяца.",
        ),
    ],
    "el": [
        (
            "Πού είναι η παραγγελία μου {order};",
            "Γεια σας, παρήγγειλα πριν από δύο εβδομάδες (παραγγελία {order}) "
            "και η σελίδα παρακολούθησης δεν έχει αλλάξει εδώ και πέντε ημέρες. Μπορείτε να ελέγξετε πού βρίσκεται "
            "το δέμα;",
        ),
        (
            "Διπλή χρέωση για την παραγγελία {order}",
            "Καλημέρα, στην κίνηση της κάρτας μου εμφανίζονται δύο ίδιες "
            "χρεώσεις για την παραγγελία {order}. Παρακαλώ επιστρέψτε τη διπλή πληρωμή.",
        ),
        (
            "Στάλθηκε λάθος μέγεθος",
            "Το μπουφάν της παραγγελίας {order} ήρθε σε μέγεθος M, ενώ παρήγγειλα L. Πώς μπορώ να το αλλάξω;",
        ),
        (
            "Δεν μπορώ να συνδεθώ στον λογαριασμό μου",
            "Άλλαξα τον κωδικό δύο φορές, αλλά η σελίδα σύνδεσης λέει "
            "ακόμη ότι ο κωδικός είναι λάθος. Μπορείτε να βοηθήσετε;",
        ),
        (
            "Τιμολόγιο για το λογιστήριο",
            "Μπορείτε να στείλετε τιμολόγιο με το ΑΦΜ μας για την παραγγελία {order}; "
            "Το λογιστήριο το χρειάζεται έως την Παρασκευή.",
        ),
        (
            "Κατεστραμμένο προϊόν",
            "Το φωτιστικό της παραγγελίας {order} ήρθε με ραγισμένο καπέλο. Επισυνάπτω φωτογραφία της συσκευασίας.",
        ),
        (
            "Ακύρωση συνδρομής",
            "Παρακαλώ ακυρώστε τη μηνιαία συνδρομή μου από την επόμενη ημερομηνία χρέωσης και επιβεβαιώστε με email.",
        ),
        (
            "Ο εκπτωτικός κωδικός δεν λειτουργεί",
            "Ο κωδικός XEIMONAS20 απορρίπτεται στο ταμείο, αν και το "
            "ενημερωτικό δελτίο λέει ότι ισχύει μέχρι το τέλος του μήνα.",
        ),
    ],
}

AGENT_REPLIES = {
    "en": [
        "Thank you for contacting us, {name}. I have checked your order and will update you by tomorrow.",
        "Hi {name}, sorry for the trouble. I have sent the request to our warehouse and refunded the "
        "difference. You will see it on your statement within 3–5 working days.",
        "Hello {name}, could you send us a photo of the product label so we can check the batch?",
    ],
    "fi": [
        "Kiitos yhteydenotostasi, {name}. Tarkistin tilauksesi ja palaan asiaan huomenna.",
        "Hei {name}, pahoittelut harmista. Välitin pyynnön varastollemme ja palautin erotuksen. Näet sen "
        "tiliotteellasi 3–5 arkipäivän kuluessa.",
        "Hei {name}, voisitko lähettää kuvan tuotteen tarrasta, jotta voimme tarkistaa erän?",
    ],
    "sv": [
        "Tack för att du kontaktade oss, {name}. Jag har kontrollerat din beställning och återkommer i morgon.",
        "Hej {name}, ledsen för besväret. Jag har skickat ärendet till vårt lager och återbetalat "
        "mellanskillnaden. Du ser den på kontoutdraget inom 3–5 arbetsdagar.",
        "Hej {name}, kan du skicka en bild på produktens etikett så att vi kan kontrollera batchen?",
    ],
    "ru": [
        "Спасибо за обращение, {name}. Я проверил ваш заказ и сообщу новости завтра.",
        "Здравствуйте, {name}! Приносим извинения. Я передал запрос на склад и вернул разницу — она появится "
        "в выписке в течение 3–5 рабочих дней.",
        "Здравствуйте, {name}! Пришлите, пожалуйста, фото этикетки товара, чтобы мы проверили партию.",
    ],
    "el": [
        "Ευχαριστούμε που επικοινωνήσατε μαζί μας, {name}. Έλεγξα την παραγγελία σας και θα σας ενημερώσω αύριο.",
        "Γεια σας {name}, λυπούμαστε για την ταλαιπωρία. Έστειλα το αίτημα στην αποθήκη και επέστρεψα τη "
        "διαφορά. Θα τη δείτε στην κίνηση της κάρτας σας σε 3–5 εργάσιμες ημέρες.",
        "Γεια σας {name}, μπορείτε να μας στείλετε φωτογραφία της ετικέτας του προϊόντος για να ελέγξουμε την παρτίδα;",
    ],
}
CUSTOMER_FOLLOWUPS = {
    "en": [
        "Thanks, that solved it!",
        "I still have not received anything. Any news?",
        "Here is the photo you asked for.",
    ],
    "fi": ["Kiitos, asia ratkesi!", "En ole vieläkään saanut mitään. Onko uutisia?", "Tässä pyytämänne kuva."],
    "sv": ["Tack, det löste sig!", "Jag har fortfarande inte fått något. Några nyheter?", "Här är bilden ni bad om."],
    "ru": ["Спасибо, всё решилось!", "Я до сих пор ничего не получил. Есть новости?", "Вот фото, которое вы просили."],
    "el": ["Ευχαριστώ, λύθηκε!", "Ακόμη δεν έχω λάβει τίποτα. Υπάρχουν νέα;", "Ορίστε η φωτογραφία που ζητήσατε."],
}
# Custom fields: key, label in the five languages, and for the drop-down its choices (stable values, in English)
# with their labels in the other languages.
ORDER_NUMBER_LABEL = {
    "en": "Order number",
    "fi": "Tilausnumero",
    "sv": "Ordernummer",
    "ru": "Номер заказа",
    "el": "Αριθμός παραγγελίας",
}
PRODUCT_AREA_LABEL = {
    "en": "Product area",
    "fi": "Tuotealue",
    "sv": "Produktområde",
    "ru": "Область продукта",
    "el": "Τομέας προϊόντος",
}
PRODUCT_AREAS = {
    "Web shop": {"fi": "Verkkokauppa", "sv": "Webbutik", "ru": "Интернет-магазин", "el": "Ηλεκτρονικό κατάστημα"},
    "Mobile app": {"fi": "Mobiilisovellus", "sv": "Mobilapp", "ru": "Мобильное приложение", "el": "Εφαρμογή κινητού"},
    "Warehouse": {"fi": "Varasto", "sv": "Lager", "ru": "Склад", "el": "Αποθήκη"},
    "Payments": {"fi": "Maksut", "sv": "Betalningar", "ru": "Платежи", "el": "Πληρωμές"},
}
# Canned responses: (title, text) in the five languages; one response each, for every team.
CANNED = [
    {
        "en": ("Greeting", "Hello,\n\nThank you for contacting us. "),
        "fi": ("Tervehdys", "Hei,\n\nKiitos yhteydenotostasi. "),
        "sv": ("Hälsning", "Hej,\n\nTack för att du kontaktade oss. "),
        "ru": ("Приветствие", "Здравствуйте!\n\nСпасибо за обращение. "),
        "el": ("Χαιρετισμός", "Γεια σας,\n\nΕυχαριστούμε που επικοινωνήσατε μαζί μας. "),
    },
    {
        "en": (
            "Order on its way",
            "Good news: your order has left our warehouse. The tracking link will reach you by email within a day.",
        ),
        "fi": (
            "Tilaus on matkalla",
            "Hyviä uutisia: tilauksesi on lähtenyt varastostamme. Saat seurantalinkin sähköpostiisi vuorokauden "
            "kuluessa.",
        ),
        "sv": (
            "Beställningen är på väg",
            "Goda nyheter: din beställning har lämnat vårt lager. Spårningslänken kommer via e-post inom ett dygn.",
        ),
        "ru": (
            "Заказ в пути",
            "Хорошие новости: ваш заказ покинул наш склад. Ссылка для отслеживания придёт на почту в течение суток.",
        ),
        "el": (
            "Η παραγγελία είναι καθ' οδόν",
            "Καλά νέα: η παραγγελία σας έφυγε από την αποθήκη μας. Θα λάβετε τον σύνδεσμο παρακολούθησης με email "
            "μέσα σε μία ημέρα.",
        ),
    },
]
TAGS = ["vip", "refund", "shipping", "invoice", "login", "damaged", "discount", "subscription"]

# Russian and Greek surnames agree with the person: Иванов / Иванова, Παπαδόπουλος / Παπαδοπούλου.
FEMALE_FIRST_NAMES = {
    "Анна",
    "Мария",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Μαρία",
    "Ελένη",
    "Κατερίνα",
    "Σοφία",
    "Άννα",
    "Δέσποινα",
}
FEMALE_SURNAMES = {"Παπαδόπουλος": "Παπαδοπούλου", "Παπαδάκης": "Παπαδάκη"}


def full_name(lang: str, first: str, last: str) -> str:
    if first in FEMALE_FIRST_NAMES:
        if lang == "ru" and last.endswith(("ов", "ев")):
            last += "а"
        elif lang == "el":
            last = FEMALE_SURNAMES.get(last, last)
    return f"{first} {last}"
