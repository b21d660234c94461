"""Cue words: the short, case-sensitive lists that tell names apart ("President" is a title, "president" a cue).

Words that two lists share for the same reason are written once, in a list both are built from (``_PARTICLES``,
``ABBREVIATED_TITLES``, ``GOVERNMENT_BRANCHES`` ...). A word may still sit in two lists for two reasons: "Party"
ends an organisation's name ("Labour Party") and modifies a title ("Party leader").
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def names(text: str) -> frozenset[str]:
    """Names of several words, "|" between them."""
    return frozenset(text.split("|"))


# -------------------------------------------------------------------------------------------------- dates

WEEKDAYS = words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
MONTH_ABBREVIATIONS = words("Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec")
MONTHS = MONTH_ABBREVIATIONS | words(
    "January February March April May June July August September October November December"
)

# ---------------------------------------------------------------------------------------------- particles

# Lower-case particles inside place names and personal names alike ("Rio de Janeiro", "Luiz da Silva").
_PARTICLES = words("de da do dos das del di du la le al el")
# Lower-case words a dateline's place may hold before a capitalised word ("Frankfurt am Main").
PLACE_PARTICLES = _PARTICLES | words("es of the upon sur am")
# Words an ALL-CAPS place keeps in lower case when title-cased ("RIO DE JANEIRO" -> "Rio de Janeiro").
PLACE_LOWER = PLACE_PARTICLES | words("an y e")
# Lower-case words inside a personal name ("Ludwig van Beethoven", "Ali bin Hassan", "Ortega y Gasset").
NAME_PARTICLES = _PARTICLES | words("della van von der den bin ibn y")
# Lower-case words that may join capitalised words into one run ("Bank of England", "Procter & Gamble").
CONNECTORS = NAME_PARTICLES | words("of the for and &")
# Arabic articles joined to a name by a hyphen ("al-Sistani", "ash-Sharaa").
ARABIC_ARTICLES = ("al", "el", "ad", "an", "ar", "as", "ash", "at", "az")

# ----------------------------------------------------------------------------------------- sentence words

# Capitalised words that open sentences or headlines but never start a name.
FUNCTION_WORDS = words(
    "The A An But And Or Nor So Yet If When While As In On At For By With From To Of Into Onto Upon After "
    "Before Since Until Under Over Through During Despite Against Among Between About Around Without "
    "This That These Those Then Now Meanwhile However Also Although Though Because Some Many Most All "
    "Both Other Another Such Its His Her Their Our My Your We I He She It They You There Here What Who "
    "Whom Whose Why How Where Which Last Next Each Every No Not Only Even Just More Less Few Several "
    "Separately Instead Still Already Later Earlier Thus Hence Yes Asked Like Unlike Including"
)
# Lower-case words that a Title Case Headline still writes in lower case.
TITLE_CASE_LOWER = words("with from into onto over upon than that this")
# Prepositions before a city named like a common word that make it a place ("in Nice").
LOCATIVES = words("in at from to near outside around of across via into toward towards")
# Verbs after a one-word name that make it a speaker, not a small town ("Jackson said").
SPEECH_VERBS = words("said says told added asked argued insisted warned wrote declared")

# ------------------------------------------------------------------------------------------ abbreviations

# Titles written short, with their full form ("Gen." for "General").
ABBREVIATED_TITLES = {
    "Gen": "General",
    "Maj": "Major",
    "Col": "Colonel",
    "Lt": "Lieutenant",
    "Capt": "Captain",
    "Sgt": "Sergeant",
    "Adm": "Admiral",
    "Sen": "Senator",
    "Rep": "Representative",
    "Gov": "Governor",
    "Prof": "Professor",
    "Rev": "Reverend",
}
COURTESY_TITLES = words("Mr Mrs Ms Dr")
CORP_ABBREVIATIONS = words("Corp Inc Co Ltd Bros")
NAME_SUFFIX_ABBREVIATIONS = words("Jr Sr Jnr Snr")
US_STATE_ABBREVIATIONS = words(
    "Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Ky La Md Mass Mich Minn Miss Mo Mont Neb Nev Okla "
    "Ore Pa Tenn Tex Va Vt Wash Wis Wyo"
)
# Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = (
    frozenset(ABBREVIATED_TITLES)
    | COURTESY_TITLES
    | CORP_ABBREVIATIONS
    | NAME_SUFFIX_ABBREVIATIONS
    | MONTH_ABBREVIATIONS
    | US_STATE_ABBREVIATIONS
    | words("St Fr Mt Ft No Ave Blvd")
)

# ------------------------------------------------------------------------------------------------- people

# Titles that also begin non-person names ("General Election", "Chief Executive"): need a real name after them.
_WEAK_FULL_TITLES = words(
    "General Major Chief Father Leader Speaker Director Crown Justice Lord Premier Coach"
)
WEAK_TITLES = _WEAK_FULL_TITLES | {
    short for short, full in ABBREVIATED_TITLES.items() if full in _WEAK_FULL_TITLES
}
# Words that make the following name a person ("President", "Prime Minister", "Grand Ayatollah").
TITLES = (
    WEAK_TITLES
    | COURTESY_TITLES
    | frozenset(ABBREVIATED_TITLES)
    | frozenset(ABBREVIATED_TITLES.values())
    | words(
        "President Vice-President President-elect Minister Premier Chancellor Secretary Secretary-General "
        "Ayatollah Sheikh Sheik King Queen Prince Princess Emperor Pope Cardinal Archbishop Bishop Imam "
        "Rabbi Mullah Sir Dame Lady Baroness Baron Congressman Congresswoman Mayor Judge Ambassador Envoy "
        "Commissioner Chairman Chairwoman Spokesman Spokeswoman Spokesperson Marshal Commander Sultan Emir "
        "Coach Detective Inspector Officer Attorney-General MP MEP"
    )
)
# Titles of rank, nobility and faith, part of the name they go with ("Sacha Baron Cohen", "Mary Queen of Scots").
NOBLE_TITLES = words(
    "King Queen Prince Princess Emperor Sir Dame Lady Lord Baron Baroness Sultan Emir Sheikh Sheik Pope "
    "Cardinal Archbishop Bishop Imam Rabbi Ayatollah Mullah Crown"
)
# Titles that an organisation's one-word name may go before ("Bundesbank President", "Chrysler Chairman").
OFFICE_TITLES = words(
    "President Chairman Chairwoman Governor Director Commissioner Spokesman Spokeswoman Spokesperson "
    "Secretary-General Vice-President Treasurer Officer"
)
# Branches of government: before a title ("Defence Minister"), after a country ("U.S. Defense Department").
GOVERNMENT_BRANCHES = words(
    "State Treasury Commerce Defense Defence Justice Energy Agriculture Labor Labour Interior Foreign Finance "
    "Trade Health Education Transportation Army Navy Supreme"
)
# Words that modify a title ("Foreign Minister", "Secretary of State", "Shadow Home Secretary").
TITLE_MODIFIERS = GOVERNMENT_BRANCHES | words(
    "Prime Deputy Vice Grand Home Industry Economy Economic Affairs Oil Petroleum Environment Transport "
    "Culture Information Executive Senior Former Acting Assistant Attorney Associate Managing Shadow First "
    "Junior Under Undersecretary Permanent Opposition Security National Development International "
    "Immigration Work Pensions Budget Planning Communications Media Sport Sports Tourism Housing Welfare "
    "Social Public Works Science Technology Fisheries Food Rural Water Mines Mining Resources Exchequer "
    "Staff Natural European Cabinet Minority Majority Republican Democratic Democrat Conservative Liberal "
    "Tory Party Air Force Police Military Intelligence Religious Spiritual Revolutionary Guards Field Rear "
    "Brigadier Lance Rt Hon"
)
# Lower-case words just before a name that mark it as a person ("spokeswoman Morgan Ortagus").
PERSON_CUES = words(
    "spokeswoman spokesman spokesperson president minister secretary chairman chairwoman leader senator "
    "governor mayor envoy ambassador director lawmaker analyst economist commander general chief official "
    "adviser advisor judge prosecutor lawyer attorney colonel cleric candidate premier chancellor king queen "
    "prince actor actress singer coach captain striker manager executive founder author professor"
)
NAME_SUFFIXES = (
    NAME_SUFFIX_ABBREVIATIONS | {short + "." for short in NAME_SUFFIX_ABBREVIATIONS} | words("II III IV")
)
# Lower-case words before a one-word town that make it a person ("his son Leo", "their fourth child, Leo,")
KIN_WORDS = words(
    "son sons daughter daughters wife husband brother sister father mother child baby grandson granddaughter "
    "nephew niece cousin widow widower partner girlfriend boyfriend fiancee"
)
# ... or a club ("joined Tottenham", "scored against Portsmouth").
CLUB_CUES = words("joined join joins joining against beat beats beating v vs")
# ... or before these: "Chelsea beat Fulham", "Leeds drew 1-1", "Chelsea win" (a plural verb: the team).
CLUB_VERBS = words("beat beats drew draw v vs win lose")
# Words after a town that make a sports club ("Sheffield United", "Nottingham Forest").
CLUB_SUFFIXES = words(
    "United City Rovers Athletic Wanderers Albion Hotspur Rangers Celtic Argyle Villa Forest County"
)
# Lower-case words after a name that make it a firm, not a person ("Smith Barney analyst", "Morgan Grenfell unit").
ORG_CUES = words(
    "analyst analysts economist economists strategist strategists subsidiary unit shares stock affiliate"
)
# Words after a country that make it a currency ("U.S. dlrs", "Hong Kong dollars"), lower-cased.
CURRENCY_WORDS = words("dlr dlrs dollar dollars cents yen franc francs pound pounds peso pesos")
# Documents: never a person's last word ("Patriot Act").
DOCUMENTS = words("Act Bill Treaty Charter Convention Law Report")
# First words that make a run a document, not an organisation ("Act of Parliament", "Resolution of ...").
DOCUMENT_FIRST = DOCUMENTS | {"Resolution"}
# Last words that make a capitalised run an event, document or building rather than a person.
NON_PERSON_LAST = DOCUMENTS | words(
    "Olympics Games Cup League Championship Championships Open Prize Award Awards Festival Show Summit "
    "Conference War Accord Agreement Plan Programme Program Project Index Street Square Road Avenue Airport "
    "Stadium Hospital Bridge Tower Palace Church Mosque Temple Cathedral Centre Center Park Hall Hotel Day "
    "Week Year Election Elections Budget Review Initiative Strategy Doctrine Museum Gallery Theatre Theater "
    "Market Station Line Agenda Protocol Inquiry School Two Three Four Five Six Seven Eight Nine Ten Eleven "
    "Twelve"
)

# ------------------------------------------------------------------------------------------ organisations

# Corporate suffixes, dropped to link a later short mention ("Chrysler Corp" ... "Chrysler").
CORP_SUFFIXES = CORP_ABBREVIATIONS | words(
    "Corporation Incorporated Company Limited Plc PLC LLC LP AG SA NV GmbH Group Holdings AS ASA AB SpA BV Bhd "
    "Berhad Oyj"
)
# Institutions that head an organisation's name either way: "World Bank", "Bank of England".
_INSTITUTIONS = words(
    "Bank Department Ministry University Organization Organisation Institute Council Committee Commission "
    "Board Federation Association Union League Court Office Bureau Party Academy College Society Fund "
    "Secretariat Brothers"
)
# Last words of organisation names ("Chrysler Corp", "State Department", "Labour Party").
ORG_SUFFIXES = (
    CORP_SUFFIXES
    | _INSTITUTIONS
    | words(
        "Bancorp Bancshares LLP Agency News Guard Guards Forces Parliament Assembly Senate Congress "
        "Exchange Authority Service Services Airlines Airways Motors Electric Front Movement Reserve Times "
        "Post Journal Network Television Radio Broadcasting Press Telegraph Herald Tribune Gazette Foundation "
        "Trust Brotherhood Coalition Alliance Brigades Industries International Systems Technologies "
        "Financial Securities Partners Petroleum Pharmaceuticals Laboratories Chemicals Insurance Club "
        "Directorate Cabinet Police Mission Tribunal Commons Lords Partnership Markets Industrie "
        "Administration School Force Software Army Navy Community Communities Stores Foods Products Brands "
        "Resources Enterprises Labs Railways Railroad Restaurants Hotels Mines Metals Electronics Bourse "
        "Shipping Studios Pictures Records Publishing Entertainment"
    )
)
# Trades that end a firm's name ("Getty Oil", "Barclays Capital"), but not after a country ("U.S. Oil companies").
TRADE_SUFFIXES = words("Tobacco Oil Capital Instruments")
ORG_SUFFIXES |= TRADE_SUFFIXES
# Heads that take "of ..." inside an organisation name ("Bank of England", "Ministry of Defence").
ORG_HEADS_OF = _INSTITUTIONS | words("Chamber Chambers House Church Order Guardians Friends Sisters")
# First words of (mostly continental) company names: "Banque Paribas", "Societe Generale".
ORG_FIRST = words(
    "Banque Banco Banca Bankhaus Compagnie Compania Societe Sociedad Groupe Grupo Petroleos Deutsche"
)
# All-caps words that are no organisations (Roman numerals are told by their letters).
NON_ORG_ACRONYMS = frozenset(t for t in TITLES if t.isupper()) | words(
    "CEO CFO COO CTO TV GMT BST EST EDT PST AM PM GDP GNP CPI DNA HIV AIDS OK PC PR VAT ID IQ UFO BC AD US UK "
    "USA UAE FM AI IT HQ RIP PS NB DJ IPO ETF LNG MLN DLRS PCT CTS SHR QTR MTH MTHS VS YR OTC NA AA AAA BB BBB "
    "CD PA UV CO NO SO"
)
# Organisations known by a name without an organisation suffix, and party nicknames -> canonical name.
KNOWN_ORGS = {
    "Reuters": "Reuters",
    "Reuter": "Reuters",
    "Associated Press": "Associated Press",
    "Xinhua": "Xinhua",
    "Pentagon": "Pentagon",
    "Kremlin": "Kremlin",
    "White House": "White House",
    "Congress": "Congress",
    "Treasury": "Treasury",
    "Fed": "Federal Reserve",
    "Federal Reserve": "Federal Reserve",
    "Interpol": "Interpol",
    "WHO": "WHO",
    "Hezbollah": "Hezbollah",
    "Hamas": "Hamas",
    "Taliban": "Taliban",
    "Labour": "Labour Party",
    "Tories": "Conservative Party",
    "Conservatives": "Conservative Party",
    "Liberal Democrats": "Liberal Democrats",
    "Lib Dems": "Liberal Democrats",
    "Lib Dem": "Liberal Democrats",
    "Liberal Democrat": "Liberal Democrats",
    "Democrats": "Democratic Party",
    "Republicans": "Republican Party",
}
# Acronyms of well-known organisations, also read in ALL-CAPS text, where acronyms look like words.
KNOWN_ACRONYMS = words(
    "UN EU EC EEC NATO OPEC GATT WTO IMF OECD ASEAN UNESCO UNICEF UNCTAD UNHCR FAO IAEA ILO OAU NASA FBI CIA "
    "KGB PLO IRA ANC BBC CNN NHS FIFA UEFA IOC SEC FDIC FTC USDA NYSE NASDAQ"
)
# Known expansions of known acronyms: a story that spells one out records the acronym, the form people search
# by ("org:OPEC"); a story that has both an expansion and its acronym records the acronym too (``linking``).
ORG_EXPANSIONS = {
    expansion: acronym
    for acronym, expansions in {
        "OPEC": "Organization of Petroleum Exporting Countries|Organisation of Petroleum Exporting Countries|"
        "Organization of the Petroleum Exporting Countries|Organisation of the Petroleum Exporting Countries",
        "NATO": "North Atlantic Treaty Organization|North Atlantic Treaty Organisation",
        "EC": "European Community|European Communities",
        "EEC": "European Economic Community",
        "EU": "European Union",
        "UN": "United Nations",
        "IMF": "International Monetary Fund",
        "GATT": "General Agreement on Tariffs and Trade",
        "WTO": "World Trade Organization|World Trade Organisation",
        "OECD": "Organisation for Economic Co-operation and Development|Organization for Economic Cooperation "
        "and Development|Organisation for Economic Cooperation and Development|Organization for Economic "
        "Co-operation and Development",
        "IAEA": "International Atomic Energy Agency",
        "FAO": "Food and Agriculture Organization|Food and Agriculture Organisation",
        "ILO": "International Labour Organization|International Labour Organisation|International Labor "
        "Organization",
        "NASA": "National Aeronautics and Space Administration",
        "FBI": "Federal Bureau of Investigation",
        "CIA": "Central Intelligence Agency",
        "SEC": "Securities and Exchange Commission",
        "FDIC": "Federal Deposit Insurance Corporation|Federal Deposit Insurance Corp",
        "FTC": "Federal Trade Commission",
        "USDA": "U.S. Department of Agriculture|US Department of Agriculture|United States Department of "
        "Agriculture",
        "NYSE": "New York Stock Exchange",
        "ASEAN": "Association of Southeast Asian Nations|Association of South East Asian Nations",
        "UNCTAD": "United Nations Conference on Trade and Development",
        "UNHCR": "United Nations High Commissioner for Refugees",
        "WHO": "World Health Organization|World Health Organisation",
    }.items()
    for expansion in expansions.split("|")
}
# The same acronyms as a word, as British papers write the longer ones ("Opec", "Nato"): the organisation.
KNOWN_ORGS.update({a.title(): a for a in KNOWN_ACRONYMS if len(a) > 3})
# Well-known firms named after people ("Merrill Lynch"): organisations, also at the head of a longer name
# ("Dean Witter Reynolds"). A name ending "Brothers", "& Co" ... is told by its last words.
FIRMS_NAMED_LIKE_PEOPLE = names(
    "Merrill Lynch|Goldman Sachs|Morgan Stanley|Dean Witter|Shearson Lehman|Kidder Peabody|Drexel Burnham|"
    "Smith Barney|Paine Webber|Bear Stearns|Morgan Grenfell|Morgan Guaranty|Kleinwort Benson|Dillon Read|"
    "Lazard Freres|Charles Schwab|E.F. Hutton|Price Waterhouse|Arthur Andersen|Peat Marwick|Arthur Young|"
    "Touche Ross|Thomson McKinnon|James Capel|Hoare Govett|Wood Gundy|Nesbitt Thomson|Alex Brown|"
    "Piper Jaffray|Edward Jones|Raymond James|A.G. Edwards|Marks and Spencer|John Lewis|Walt Disney|"
    "Dow Jones|Johnson Matthey|Clifford Chance|Skadden Arps|Sullivan Cromwell|Sears Roebuck|Rolls-Royce|"
    "Hewlett-Packard|Warner Brothers|Warner Bros|J.P. Morgan|Sony Ericsson|Franklin Templeton"
)
# Words after a country that make the run one of its government bodies: "U.S. State Department".
GOV_WORDS = GOVERNMENT_BRANCHES | words("Homeland Federal Congress Senate Pentagon Securities Environmental")

# ------------------------------------------------------------------------------------------------- places

# Features named either way: "Red Sea", "Sea of Japan".
_GEO_HEADS = words("Sea Gulf Bay Strait Straits Island Islands Republic Province")
# Geographic last words: "Harris County", "Gaza Strip".
GEO_SUFFIXES = _GEO_HEADS | words(
    "Ocean River Lake Peninsula Mountains Valley Desert Strip Coast Canal County Governorate Prefecture "
    "Oblast Basin Delta Plateau Heights City"
)
GEO_HEADS_OF = _GEO_HEADS | words("Isle Kingdom")
COMPASS_ADJECTIVES = words("Northern Southern Eastern Western")
COMPASS = COMPASS_ADJECTIVES | words("North South East West Central")
# Words before a place that leave it the place ("Greater London", "Inner Mongolia", "S Africa").
GEO_MODIFIERS = words(
    "Greater Inner Outer Upper Lower Mid Northeastern Northwestern Southeastern Southwestern Northeast "
    "Northwest Southeast Southwest N S E W"
)
