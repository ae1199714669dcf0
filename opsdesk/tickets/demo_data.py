"""Realistic demo content in the five languages: names, teams, organizations, custom fields, canned responses.
The tickets' conversations are in tickets/demo_scripts/."""

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

# The conversations of the tickets, per topic and language: tickets/demo_scripts/.

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
TAGS = ["vip", "refund", "shipping", "invoice", "login", "damaged", "discount", "subscription", "technical"]

# Russian and Greek surnames agree with the person: Иванов / Иванова, Παπαδόπουλος / Παπαδοπούλου; Russian verbs in
# the past tense too (tickets.demo_scripts).
FEMALE_FIRST_NAMES = {
    "Emma",
    "Ava",
    "Sophie",
    "Grace",
    "Chloe",
    "Lily",
    "Cecilia",
    "Aino",
    "Helmi",
    "Sofia",
    "Ella",
    "Aada",
    "Lilja",
    "Alice",
    "Maja",
    "Elsa",
    "Astrid",
    "Wilma",
    "Saga",
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
