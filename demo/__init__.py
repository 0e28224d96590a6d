"""A synthetic council for demonstrations: teams, workers and families that never existed.

Names are drawn from lists of given and family names of the heritages a UK
council works with; no record describes a real person. The same seed gives
the same families, laid out back from today. Years of work are tens of
thousands of rows, so they are built as dictionaries and bulk-inserted.
"""

from __future__ import annotations

import bisect
import itertools
import random
import tomllib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa

from server import clock
from server.domain import upn
from server.domain.lights import JudgmentStatus, Light, light_for, status_when_signed
from server.domain.records import DEVICE_TIMED, SIGNABLE
from server.domain.roles import Role
from server.domain.timescales import (
    Episode,
    TimescaleRule,
    add_months,
    asked_of_each_child,
    child_visit_due,
    icpc_due,
    is_working_day,
    timeliness,
)
from server.extensions import db
from server.persistence import (
    Assignment,
    Attachment,
    CaseEpisode,
    CaseSummary,
    Checklist,
    ChecklistItem,
    ChecklistTemplate,
    ChronologyEntry,
    Conference,
    Consultation,
    ConsultationReply,
    DecisionPolicy,
    Family,
    FamilyCopy,
    FamilyTransfer,
    Interaction,
    Judgment,
    Membership,
    Note,
    Person,
    PlacementAddress,
    PlanAction,
    PlanEpisode,
    Referral,
    Relationship,
    Review,
    StrategyDiscussion,
    Suggestion,
    SupervisionDiscussion,
    SupervisionSession,
    Team,
    UrgentContacts,
    User,
)
from server.persistence.changes import feed_rows_for, record_changes
from server.persistence.columns import new_id
from server.security.passwords import hash_password
from server.services import accounts
from server.services.case_records import checklist_item_id

_HERE = Path(__file__).parent

# The demo council's local authority number in the returns (the LA_NUMBER setting's default).
DEMO_LA_NUMBER = "999"
DEMO_PASSWORD = "kettle-orchard-lantern-42"  # noqa: S105  (printed for every demo user)
DEMO_USERS = [
    ("cw.amara", "Amara Okafor", "caseworker", "North Family Support"),
    ("sup.north", "Hannah Price", "supervisor", "North Family Support"),
    ("analyst", "Priya Shah", "analyst", None),
    ("performance", "Tom Reilly", "performance_officer", None),
    ("admin", "Sam Taylor", "admin", None),
]

NORTH, SOUTH, IN_CARE = "North Family Support", "South Family Support", "Children in Care"
TEAMS = (NORTH, SOUTH, IN_CARE)

# The rest of the staff is fixed, so the sign-ins never change with the seed.
# (username, display name, role, team, still working here)
STAFF = [
    ("cw.tomasz", "Tomasz Wojcik", "caseworker", NORTH, True),
    ("cw.bethan", "Bethan Lloyd", "caseworker", NORTH, True),
    ("cw.kwabena", "Kwabena Osei", "caseworker", NORTH, True),
    ("cw.niamh", "Niamh Costello", "caseworker", NORTH, True),
    ("sup.south", "Delroy Fairweather", "supervisor", SOUTH, True),
    ("cw.farah", "Farah Siddiqui", "caseworker", SOUTH, True),
    ("cw.oliver", "Oliver Pennington", "caseworker", SOUTH, True),
    ("cw.meilin", "Mei Lin Tsang", "caseworker", SOUTH, True),
    ("cw.rhys", "Rhys Gwynedd", "caseworker", SOUTH, True),
    ("cw.zainab", "Zainab Kamara", "caseworker", SOUTH, True),
    ("sup.cic", "Margaret Ellingham", "supervisor", IN_CARE, True),
    ("cw.sunita", "Sunita Raghavan", "caseworker", IN_CARE, True),
    ("cw.daniel", "Daniel Amoako", "caseworker", IN_CARE, True),
    ("cw.chloe", "Chloe Hartwell", "caseworker", IN_CARE, True),
    ("cw.ioana", "Ioana Vasilescu", "caseworker", IN_CARE, True),
    # Workers who have left: families' histories still name them, but they cannot sign in.
    ("cw.gareth", "Gareth Pryor", "caseworker", NORTH, False),
    ("cw.lucy", "Lucy Ambrose", "caseworker", SOUTH, False),
    ("cw.yusuf", "Yusuf Demir", "caseworker", IN_CARE, False),
]

# The next manager a worker's escalation of a declined decision goes to, from every
# team (as local safeguarding escalation protocols name one): in no team, so they
# see no family's record, only the decisions escalated to them.
HEAD_OF_SERVICE = ("sup.head", "Marcus Bell, head of service")

# Share of families per team; Children in Care holds fewer, more intensive cases.
TEAM_SHARE = {NORTH: 0.4, SOUTH: 0.36, IN_CARE: 0.24}
# cw.amara's share of the whole council: about 18 families of 200.
AMARA_SHARE = 0.09

POLICY: list[dict[str, Any]] = [
    {"key": "routine_support", "label": "Routine support and practical help", "light": "green"},
    {"key": "change_visit_frequency", "label": "Change how often we visit", "light": "green"},
    {
        "key": "share_information_with_school",
        "label": "Share information with school",
        "light": "yellow",
    },
    {"key": "step_down_to_early_help", "label": "Step down to early help", "light": "yellow"},
    {"key": "family_time_arrangements", "label": "Family time arrangements", "light": "yellow"},
    {"key": "safety_plan_change", "label": "Change to the safety plan", "light": "red"},
    {
        "key": "child_protection_referral",
        "label": "Child protection referral or strategy discussion",
        "light": "red",
        # It cannot wait for the next supervision: a manager may agree it by phone.
        "urgent": True,
    },
    {"key": "placement_move", "label": "Placement move", "light": "red"},
    {"key": "close_case", "label": "Close the case", "light": "red"},
    {
        "key": "transfer_to_another_team",
        "label": "Transfer to another team",
        "light": "red",
    },
]

URGENT = frozenset(category["key"] for category in POLICY if category.get("urgent"))

# The council's numbers to phone when a child may be at immediate risk: from the
# Ofcom ranges kept for drama, so no real line is ever rung from the demo.
URGENT_NUMBERS = {
    "team_manager": "020 7946 0321",
    "duty_team": "020 7946 0456",
    "emergency_duty_team": "0161 496 0789",
}

# The council's timescales, by the plans they apply to (docs/architecture.md).
CP_VISIT_TIMESCALE: dict[str, Any] = {
    "applies_to": ["child_protection"],
    "every": {"count": 10, "unit": "working_days"},
}
CIN_VISIT_TIMESCALE: dict[str, Any] = {
    "applies_to": ["child_in_need"],
    "every": {"count": 20, "unit": "working_days"},
}
# The Care Planning, Placement and Case Review (England) Regulations 2010, reg. 28.
LOOKED_AFTER_VISIT_TIMESCALE: dict[str, Any] = {
    "applies_to": ["looked_after"],
    "counts_from": "placement_start",
    "first_within": {"count": 1, "unit": "weeks"},
    "every": {"count": 6, "unit": "weeks"},
    "long_term": {
        "after": {"count": 12, "unit": "months"},
        "every": {"count": 3, "unit": "months"},
        "placement_types": ["U1", "U4"],
    },
}
CORE_GROUP_TIMESCALE: dict[str, Any] = {
    "applies_to": ["child_protection"],
    "child_seen": False,
    "every": {"count": 6, "unit": "weeks"},
    "first_within": {"count": 10, "unit": "working_days"},
}
LOOKED_AFTER_REVIEW_TIMESCALE: dict[str, Any] = {
    "applies_to": ["looked_after"],
    "child_seen": False,
    "first_within": {"count": 20, "unit": "working_days"},
    "then": [{"count": 3, "unit": "months"}],
    "every": {"count": 6, "unit": "months"},
}
# Where timed meetings happen (visits and core groups choose theirs as they are made).
TIMED_MODES = {"review": "office"}
# The plan each level of the demo's work puts its children on.
PLAN_OF_LEVEL = {
    "early_help": "early_help",
    "child_in_need": "child_in_need",
    "child_protection": "child_protection",
    "child_in_care": "looked_after",
}
VISIT_TIMESCALE_OF_PLAN = {
    "child_in_need": CIN_VISIT_TIMESCALE,
    "child_protection": CP_VISIT_TIMESCALE,
    "looked_after": LOOKED_AFTER_VISIT_TIMESCALE,
}
STATUTORY_ITEMS: list[dict[str, Any]] = [
    {"key": "child_seen", "label": "Child seen", "statutory": True, "from_visit": "child_seen"},
    {
        "key": "child_seen_alone",
        "label": "Child seen alone",
        "statutory": True,
        "from_visit": "child_seen_alone",
    },
    {"key": "bedroom_seen", "label": "Child's bedroom seen", "statutory": True},
    {
        "key": "views_recorded",
        "label": "Child's wishes and feelings recorded",
        "statutory": True,
        "per_child": True,
        "from_visit": "child_spoken_to",
    },
    {"key": "plan_discussed", "label": "Progress against the plan discussed", "statutory": True},
]
CORE_GROUP_ITEMS: list[dict[str, Any]] = [
    {"key": "meeting_held", "label": "Core group met within timescale", "statutory": True},
    {"key": "parents_attended", "label": "Parents or carers took part", "statutory": True},
    {
        "key": "child_views_shared",
        "label": "Child's views brought to the meeting",
        "statutory": True,
        "per_child": True,
    },
    {"key": "plan_reviewed", "label": "Child protection plan reviewed", "statutory": True},
    {"key": "minutes_circulated", "label": "Record shared with the family", "statutory": True},
]
LEGAL_BASIS_VISIT = (
    "Children Act 1989 and Working Together to Safeguard Children: the child is seen, "
    "and seen alone where appropriate, at the frequency the council sets for children on a plan."
)
LEGAL_BASIS_LOOKED_AFTER = (
    "The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 28: "
    "a visit within one week of a placement, then at intervals of no more than six weeks in "
    "its first year, then three-monthly where the placement is long-term."
)
LEGAL_BASIS_REVIEW = (
    "The Care Planning, Placement and Case Review (England) Regulations 2010, regulation 33: "
    "reviews within 20 working days of becoming looked after, then within 3 months, then "
    "at intervals of no more than 6 months."
)
REVIEW_ITEMS: list[dict[str, Any]] = [
    {"key": "review_held", "label": "Review held within timescale", "statutory": True},
    {
        "key": "child_views",
        "label": "Child's wishes and feelings heard",
        "statutory": True,
        "per_child": True,
    },
    {
        "key": "iro_chaired",
        "label": "Chaired by the independent reviewing officer",
        "statutory": True,
    },
    {"key": "care_plan_reviewed", "label": "Care plan reviewed", "statutory": True},
]
LEGAL_BASIS_CORE = (
    "Working Together to Safeguard Children: the core group meets within 10 working days "
    "of the initial conference and regularly after it to develop and review the plan."
)

Row = dict[str, Any]
Rows = dict[type[Any], list[Row]]
# A checklist answer (yes, no, na) and the reason given for it.
Answer = tuple[str, str | None]
Weighted = list[tuple[str, float]]
T = TypeVar("T")

CP_CATEGORIES: Weighted = [("NEG", 45), ("EMO", 33), ("PHY", 10), ("SAB", 4), ("MUL", 8)]
LEGAL_STATUSES: Weighted = [("C2", 55), ("C1", 15), ("V2", 25), ("E1", 5)]
# With foster carers who are not the child's relatives (the demo does not yet show
# kinship care, U1-U3, which would make a relative the carer).
FOSTER_PLACEMENTS: Weighted = [("U4", 40), ("U6", 55), ("U5", 5)]

# --- names and places ------------------------------------------------------------------


@dataclass(frozen=True)
class Heritage:
    """Names, ethnicity code and home language of one heritage."""

    ethnicity: str
    weight: float
    women: tuple[str, ...]
    men: tuple[str, ...]
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    surnames: tuple[str, ...]
    language: str = "English"
    # How likely a family speaks its home language with us, and then needs an interpreter.
    speaks_home_language: float = 0.0
    interpreter: float = 0.0


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


HERITAGES = [
    Heritage(
        "WBRI",
        42,
        _names("Amy, Chloe, Danielle, Gemma, Hayley, Jade, Kelly, Laura, Leanne, Natalie, Kirsty"),
        _names("Ashley, Craig, Darren, Dean, Jamie, Lee, Liam, Mark, Ryan, Scott, Shaun, Carl"),
        _names(
            "Ava, Evie, Freya, Grace, Isla, Lily, Millie, Poppy, Ruby, Skye, Ellie, Maisie, "
            "Amelia, Olivia, Sophie, Daisy, Esme, Harper, Phoebe, Rosie, Matilda, Willow, Lacey, "
            "Summer, Megan, Holly"
        ),
        _names(
            "Alfie, Archie, Charlie, Freddie, Harley, Jack, Leo, Mason, Noah, Riley, Tyler, "
            "Oliver, George, Harry, Jacob, Theo, Oscar, Reuben, Lewis, Finley, Jenson, Bobby, "
            "Tommy, Ollie, Logan"
        ),
        _names(
            "Barker, Bennett, Brooks, Carter, Dawson, Fletcher, Holt, Marsh, Parsons, Shaw, "
            "Turner, Walsh, Pearce, Atkins, Lowe, Whitfield, Rowley, Hebden, Ackroyd, Ainsworth, "
            "Ashcroft, Bagshaw, Barlow, Birchall, Blackburn, Bradshaw, Brierley, Broadbent, "
            "Buckley, Butterworth, Catterall, Chadwick, Clegg, Crabtree, Cropper, Dewhurst, "
            "Duckworth, Eccles, Entwistle, Fairclough, Farnworth, Fielding, Garside, Gledhill, "
            "Greenhalgh, Hadfield, Haigh, Halliwell, Hargreaves, Haworth, Heywood, Hindle, "
            "Holroyd, Horrocks, Howarth, Ingham, Kershaw, Lomax, Marsden, Mellor, Metcalfe, "
            "Moorhouse, Nuttall, Ogden, Pickup, Pilling, Ramsbottom, Riley, Sagar, Schofield, "
            "Stott, Sutcliffe, Tattersall, Thistlethwaite, Tomlinson, Uttley, Wadsworth, "
            "Walmsley, Whittaker, Wilde, Wolstenholme, Worsley, Yates, Royle, Bamford, Cowburn, "
            "Dunkerley, Etchells, Foulds, Grimshaw, Hartley, Illingworth, Jagger, Kenyon, Leach, "
            "Mather, Newbold, Oldroyd, Quarmby, Rushworth, Slater, Thackeray, Unsworth, Varley, "
            "Warburton, Aspinall, Booth, Crowther, Drinkwater, Earnshaw, Fothergill, Gaskell, "
            "Hepworth, Iveson, Jowett, Lumb, Midgley, Pollard, Redfern, Sowerby, Tordoff, "
            "Whiteley, Appleyard, Brearley, Calvert"
        ),
    ),
    Heritage(
        "WIRI",
        3,
        _names("Aoife, Ciara, Siobhan, Roisin, Orla, Grainne"),
        _names("Ciaran, Declan, Padraig, Eoin, Cathal, Ronan"),
        _names("Saoirse, Caoimhe, Erin, Clodagh, Aisling, Niamh, Orlaith, Eabha"),
        _names("Oisin, Cian, Darragh, Fionn, Rory, Tadhg, Cillian, Senan"),
        _names(
            "Brennan, Kavanagh, Nolan, Quinn, Sheehan, Donnelly, Tierney, Flanagan, Gallagher, "
            "Keane, Mulligan, Phelan, Rafferty, Dunne, Hennessy, Moriarty"
        ),
    ),
    Heritage(
        "WOTH",
        5,
        _names("Agnieszka, Ewa, Joanna, Katarzyna, Magdalena, Monika, Paulina"),
        _names("Krzysztof, Marek, Pawel, Piotr, Lukasz, Grzegorz"),
        _names("Zofia, Julia, Maja, Lena, Hanna, Oliwia, Alicja, Natalia"),
        _names("Jakub, Antoni, Szymon, Filip, Kacper, Franciszek, Wojciech, Igor"),
        _names(
            "Nowak, Kaczmarek, Mazur, Krawczyk, Zajac, Pawlak, Sikora, Michalak, Wieczorek, "
            "Jablonski, Krol, Wrobel, Dudek, Adamczyk, Sobczak, Gorski, Baran, Kubiak, Szewczyk"
        ),
        "Polish",
        0.5,
        0.4,
    ),
    Heritage(
        "WOTH",
        4,
        _names("Andreea, Elena, Mihaela, Roxana, Alina, Simona"),
        _names("Bogdan, Florin, Ionut, Marius, Cristian, Sorin"),
        _names("Daria, Sofia, Bianca, Ilinca, Ana-Maria, Ioana, Delia"),
        _names("Luca, Matei, Stefan, Rares, Vlad, David, Tudor"),
        _names(
            "Dumitru, Munteanu, Constantin, Lazar, Barbu, Moldovan, Ungureanu, Stoica, Ionescu, "
            "Dobre, Florea, Radu, Nistor, Enache, Popescu"
        ),
        "Romanian",
        0.6,
        0.5,
    ),
    Heritage(
        "WOTH",
        2,
        _names("Catarina, Joana, Rita, Ines, Marta"),
        _names("Joao, Tiago, Rui, Nuno, Filipe"),
        _names("Beatriz, Leonor, Matilde, Carolina, Mariana"),
        _names("Tomas, Rodrigo, Duarte, Afonso, Gabriel"),
        _names(
            "Ferreira, Sousa, Carvalho, Teixeira, Moreira, Pinto, Azevedo, Correia, Mendes, "
            "Lopes, Fonseca, Marques"
        ),
        "Portuguese",
        0.5,
        0.4,
    ),
    Heritage(
        "AIND",
        4,
        _names("Anjali, Deepa, Kiran, Meena, Nisha, Pooja, Rupinder"),
        _names("Amit, Harjit, Jaspal, Rajesh, Sanjay, Vikram, Manish"),
        _names("Aanya, Diya, Isha, Simran, Anaya, Jasleen, Riya"),
        _names("Arjun, Dev, Rohan, Veer, Aarav, Jai, Kabir"),
        _names(
            "Mistry, Parmar, Chauhan, Bains, Dhillon, Sandhu, Lakhani, Gill, Sidhu, Grewal, "
            "Dhaliwal, Johal, Solanki, Thakrar, Vaghela, Bhogal, Sahota"
        ),
        "Punjabi",
        0.3,
        0.3,
    ),
    Heritage(
        "APKN",
        7,
        _names("Ayesha, Fatima, Nadia, Rubina, Saima, Shazia, Sana"),
        _names("Asif, Imran, Kamran, Naveed, Tariq, Zubair, Shahid"),
        _names("Aleena, Hafsa, Inaya, Maryam, Zara, Eman, Aisha, Hania, Mahnoor"),
        _names("Ayaan, Hamza, Ibrahim, Yusuf, Rayyan, Zayn, Musa, Haris, Saad"),
        _names(
            "Akhtar, Butt, Hussain, Iqbal, Mahmood, Qureshi, Rashid, Bashir, Mirza, Anwar, "
            "Aslam, Javed, Malik, Nawaz, Riaz, Sadiq, Tahir, Younis, Zaman, Arshad, Hanif, "
            "Latif, Majeed, Rehman"
        ),
        "Urdu",
        0.35,
        0.3,
    ),
    Heritage(
        "ABAN",
        4,
        _names("Nasima, Rokeya, Shirin, Taslima, Shapla, Rumana"),
        _names("Jamal, Mizanur, Shafiq, Habib, Ruhul, Abdul"),
        _names("Jannat, Nusrat, Tahmina, Sumaiya, Ayat, Nafisa, Raisa"),
        _names("Arif, Rayan, Tanvir, Sami, Adnan, Rafi, Imtiaz"),
        _names(
            "Miah, Uddin, Rahman, Hoque, Chowdhury, Karim, Begum, Islam, Khatun, Hossain, "
            "Sarkar, Talukdar, Mannan"
        ),
        "Bengali (Sylheti)",
        0.4,
        0.5,
    ),
    Heritage(
        "BCRB",
        6,
        _names("Marcia, Paulette, Simone, Tanisha, Jodie, Kerry-Ann, Sonia"),
        _names("Marlon, Errol, Andre, Jermaine, Leon, Clive"),
        _names("Kiara, Nia, Shanice, Tia, Jada, Kaliyah, Amani, Keziah"),
        _names("Jayden, Malachi, Tyrese, Kyrie, Josiah, Elijah, Isaiah, Reon"),
        _names(
            "Bailey, Francis, Gayle, McKenzie, Reid, Samuels, Forbes, Blackwood, Campbell, "
            "Clarke, Grant, Henry, Morgan, Powell, Richards, Spence, Lindo, Barrett, Christie, "
            "Dacres, Nembhard"
        ),
    ),
    Heritage(
        "BAFR",
        4,
        _names("Adaeze, Chioma, Funmilayo, Ngozi, Temitope, Folake"),
        _names("Chinedu, Emeka, Oluwaseun, Babatunde, Ifeanyi, Segun"),
        _names("Chidera, Ifeoluwa, Adaora, Tolu, Morayo, Kamsi, Oyinda"),
        _names("Tobi, Ayomide, Chukwudi, Femi, Kayode, Dara, Somto"),
        _names(
            "Adeyemi, Okonkwo, Ogunleye, Nwosu, Balogun, Olatunji, Afolabi, Adebayo, Eze, "
            "Oyewole, Adeleke, Obi, Akinola, Ogbonna, Olaniyan, Ibekwe"
        ),
        "Yoruba",
        0.1,
        0.2,
    ),
    Heritage(
        "BAFR",
        3,
        _names("Abena, Akosua, Efua, Adwoa, Ama"),
        _names("Kofi, Yaw, Kojo, Kwesi, Kwame"),
        _names("Akua, Esi, Maame, Adjoa, Afia"),
        _names("Kwaku, Fiifi, Nii, Ekow, Kobby"),
        _names(
            "Owusu, Appiah, Ofori, Darko, Amoah, Frimpong, Asante, Boateng, Mensah, Agyeman, "
            "Addo, Acheampong, Danquah, Opoku"
        ),
        "Twi",
        0.1,
        0.2,
    ),
    Heritage(
        "BAFR",
        4,
        _names("Hodan, Ifrah, Sahra, Faduma, Nasra, Hibo"),
        _names("Abdirahman, Mohamed, Abdi, Hassan, Mahad"),
        _names("Ayan, Hawa, Ikran, Sagal, Nimco, Ubah, Idil"),
        _names("Bilal, Khalid, Liban, Abdullahi, Said, Guled, Zakariye"),
        _names(
            "Warsame, Jama, Farah, Omar, Nur, Egal, Hersi, Duale, Ismail, Mohamud, Aden, Osman, "
            "Elmi, Gedi, Samatar"
        ),
        "Somali",
        0.6,
        0.5,
    ),
    Heritage(
        "BAFR",
        2,
        _names("Senait, Tsega, Yohanna, Mebrat, Helen"),
        _names("Yonas, Tesfay, Dawit, Biniam, Samuel"),
        _names("Selam, Eden, Luwam, Hiwet, Saba"),
        _names("Aman, Natnael, Robel, Kidus, Filmon"),
        _names(
            "Tesfamariam, Habte, Ghebremedhin, Berhane, Woldu, Tekle, Haile, Kidane, Mehari, "
            "Gebru, Asfaha, Yemane"
        ),
        "Tigrinya",
        0.8,
        0.8,
    ),
    Heritage(
        "CHNE",
        2,
        _names("Mei, Li Na, Xiu, Ying, Wing, Lai Fong"),
        _names("Wei, Jun, Ming, Chi Keung, Hao"),
        _names("Emily, Jia Hui, Yan, Chloe, Hoi Yan"),
        _names("Ethan, Jun Jie, Marcus, Kai, Ho Yin"),
        _names("Cheung, Lam, Wong, Leung, Ho, Yip, Chan, Tang, Lau, Kwok, Fung, Mak"),
        "Cantonese",
        0.4,
        0.4,
    ),
    Heritage(
        "OOTH",
        3,
        _names("Rania, Huda, Layla, Noor, Mariam, Samira"),
        _names("Ahmad, Khaled, Mahmoud, Samir, Rami"),
        _names("Jana, Lina, Salma, Yara, Dana"),
        _names("Karim, Adam, Zaid, Hadi, Omar"),
        _names(
            "Haddad, Saleh, Mansour, Khalil, Darwish, Nasser, Hamdan, Qasim, Yassin, Abboud, "
            "Sabbagh, Hijazi, Najjar, Awad"
        ),
        "Arabic",
        0.7,
        0.6,
    ),
    Heritage(
        "OOTH",
        2,
        _names("Shilan, Berivan, Hana, Zhila"),
        _names("Karwan, Rebwar, Dilshad, Aram"),
        _names("Lana, Rozhin, Dilan, Shara, Avan"),
        _names("Aryan, Sarbast, Zana, Hemin, Soran"),
        _names("Ahmadi, Rasul, Hama, Aziz, Baban, Mustafa, Qadir, Salih, Faraj, Hawrami, Jaff"),
        "Kurdish (Sorani)",
        0.7,
        0.7,
    ),
    Heritage(
        "AOTH",
        2,
        _names("Tharshini, Kavitha, Nirmala, Vasanthi"),
        _names("Suresh, Ganesh, Kumaran, Sivakumar"),
        _names("Abirami, Harini, Kaviya, Thenmozhi"),
        _names("Aadhavan, Kavin, Nilavan, Sayan"),
        _names(
            "Sivarajah, Selvarajah, Nadarajah, Kandiah, Yogarajah, Rajendran, Thambirajah, "
            "Balasingham, Ponnambalam, Kanagaratnam, Sriskandarajah"
        ),
        "Tamil",
        0.5,
        0.5,
    ),
]
WHITE_BRITISH = HERITAGES[0]
# A child of a White British parent and a parent of another heritage.
MIXED_ETHNICITY = {"BCRB": "MWBC", "BAFR": "MWBA", "AIND": "MWAS", "APKN": "MWAS", "ABAN": "MWAS"}
NICKNAMES = {
    "Alfie": "Alf",
    "Freddie": "Fred",
    "Abdullahi": "Abdi",
    "Ifeoluwa": "Ife",
    "Mohamed": "Mo",
    "Babatunde": "Tunde",
    "Elijah": "Eli",
    "Oluwaseun": "Seun",
}

AREAS = {
    NORTH: ("Ashgrove", "Fernhill", "Cobblers End", "Wrenfield"),
    SOUTH: ("Sandmere", "Lowbridge", "Riverside", "Kilnworth"),
    IN_CARE: ("Ashgrove", "Sandmere", "Fernhill", "Lowbridge", "Wrenfield", "Kilnworth"),
}
POSTCODE_DISTRICTS = {
    "Ashgrove": 1,
    "Fernhill": 2,
    "Cobblers End": 3,
    "Wrenfield": 4,
    "Sandmere": 7,
    "Lowbridge": 8,
    "Riverside": 9,
    "Kilnworth": 11,
}
STREETS = _names(
    "Larch Way, Cobden Terrace, Mill Lane, Orchard Close, Tanner Street, Heron Court, "
    "Beacon Road, Quarry Rise, Foundry Walk, Willow Crescent, Station Approach, Sorrel Gardens, "
    "Netherfield Road, Brook Street, Chapel Row, Highgate Parade, Linnet Drive, Vale View"
)
ESTATE_BLOCKS = _names("Kestrel House, Osprey House, Curlew Court, Merlin Tower, Plover House")
# Every school, practice and group is invented for the demo council, and each
# belongs to one of its invented areas. None is meant to share a name with a real
# one; tests/test_demo.py checks that the records name only these.
SCHOOLS_OF_AREA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # area: (primary schools, secondary schools)
    "Ashgrove": (
        ("Ashgrove Brook Primary School", "Pennyfold Primary School"),
        ("Ashgrove Heath Academy",),
    ),
    "Fernhill": (
        ("Fernhill Lanes Primary School", "Tallowmere C of E Primary School"),
        ("Thimble Hill Academy",),
    ),
    "Cobblers End": (
        ("Cobblers End Infant and Nursery School", "Wickerby Junior School"),
        ("Thimble Hill Academy",),
    ),
    "Wrenfield": (
        ("Wrenfield Brook Primary School", "Larkspur Lane Primary School"),
        ("Wrenfield Heath High School",),
    ),
    "Sandmere": (
        ("Sandmere Lanes Primary School", "Gullhaven Primary School"),
        ("Sandmere Heath Academy",),
    ),
    "Lowbridge": (
        ("Lowbridge Brook Primary School", "St Ebba's Catholic Primary School, Lowbridge"),
        ("Tollgate Rise High School",),
    ),
    "Riverside": (
        ("Riverside Wharf Primary School", "Ferrymead Infant and Nursery School"),
        ("Tollgate Rise High School",),
    ),
    "Kilnworth": (
        ("Kilnworth Brook Primary School", "Potters Yard Primary School"),
        ("Kilnworth Heath Academy",),
    ),
}
SCHOOLS = tuple(
    sorted({school for pair in SCHOOLS_OF_AREA.values() for group in pair for school in group})
)
GP_PRACTICES = _names(
    "{area} Brook Surgery, Lantern Yard Medical Practice, Tallowmere Health Centre"
)
# Drawn for a family on their own, whatever its heritage: who goes where is
# theirs to tell us, and most families we work with name no faith group at all.
FAITH_GROUPS = _names(
    "St Ebba's Church {area}, {area} Methodist Chapel, Cornerstone Community Church, "
    "Kilnworth Road Mosque, {area} Gurdwara, Sandmere Mandir, Lowbridge Islamic Centre, "
    "Riverside Pentecostal Fellowship, Our Lady of the Wharf Catholic Church"
)
FAITH_GROUP_SHARE = 0.3
YOUTH_GROUPS = _names(
    "{area} Youth Club, Boxing club at the {area} leisure centre, Young Carers group, "
    "Scouts at the {area} scout hut, Saturday football at {area} Rec, "
    "Drama club at the {area} family hub"
)
GROUPS = tuple(
    sorted(
        group.format(area=area)
        for group in (*GP_PRACTICES, *FAITH_GROUPS, *YOUTH_GROUPS)
        for area in SCHOOLS_OF_AREA
    )
)
NURSERY = "{area} Children's Centre Nursery"
HEALTH_VISITING = "{area} health visiting team"


def _read(name: str) -> dict[str, Any]:
    """Return one of the demo's data files (demo/*.toml), as read once at import."""
    return tomllib.loads(_HERE.joinpath(name).read_text("utf-8"))


# What families tell us and what others tell us about them (demo/families.toml).
_FAMILIES = _read("families.toml")
GOALS: list[str] = _FAMILIES["goals"]
CARE_GOALS: list[str] = _FAMILIES["care_goals"]
COMMUNICATION_NEEDS: dict[str, str] = _FAMILIES["communication_needs"]

# --- what workers write ----------------------------------------------------------------

# The wording of notes, supervision and handovers is data (demo/writing.toml), by
# where the contact took place and who was there; the code below picks from it.
_WRITING = _read("writing.toml")
OPENINGS: dict[str, dict[str, list[str]]] = _WRITING["openings"]
PHONE_CALLS: list[str] = _WRITING["phone_calls"]
VIDEO_CALLS_WITH_CHILD: list[str] = _WRITING["video_calls_with_child"]
VIDEO_CALLS: list[str] = _WRITING["video_calls"]
SEEN_ALONE: list[str] = _WRITING["seen_alone"]
NOT_SEEN_ALONE: list[str] = _WRITING["not_seen_alone"]
HOME_DETAILS: list[str] = _WRITING["home_details"]
CHILD_VOICE: list[str] = _WRITING["child_voice"]
HOME_VOICE: list[str] = _WRITING["home_voice"]
CARE_VOICE: list[str] = _WRITING["care_voice"]
DRAWN_VOICE: str = _WRITING["drawn_voice"]
VIDEO_VOICE: list[str] = _WRITING["video_voice"]
BABY_VOICE: list[str] = _WRITING["baby_voice"]
TODDLER_VOICE: list[str] = _WRITING["toddler_voice"]
NOT_SEEN_VOICE: list[str] = _WRITING["not_seen_voice"]
MEETING_VOICE: list[str] = _WRITING["meeting_voice"]
FAMILY_VIEW: list[str] = _WRITING["family_view"]
CARER_VIEW: list[str] = _WRITING["carer_view"]
STRENGTHS: list[str] = _WRITING["strengths"]
HOME_STRENGTHS: list[str] = _WRITING["home_strengths"]
FAITH_STRENGTHS: list[str] = _WRITING["faith_strengths"]
CARER_STRENGTHS: list[str] = _WRITING["carer_strengths"]
REFLECTION: list[str] = _WRITING["reflection"]
SEEN_REFLECTION: list[str] = _WRITING["seen_reflection"]
ALONE_REFLECTION: list[str] = _WRITING["alone_reflection"]
NEXT_STEPS: list[str] = _WRITING["next_steps"]
CARER_REFLECTION: list[str] = _WRITING["carer_reflection"]
SHORT_NEXT_STEPS: list[str] = _WRITING["short_next_steps"]
SUPERVISOR_COMMENTS: list[str] = _WRITING["supervisor_comments"]
REPLIES: list[str] = _WRITING["replies"]
HANDOVER_OPENINGS: list[str] = _WRITING["handover_openings"]
HANDOVER_MIDDLES: list[str] = _WRITING["handover_middles"]
HANDOVER_ENDINGS: list[str] = _WRITING["handover_endings"]

# --- decisions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Decisions:
    """What a worker writes in a judgment log entry of one category."""

    questions: tuple[str, ...]
    options: tuple[tuple[str, str, str], ...]
    decisions: tuple[str, ...]
    rationales: tuple[str, ...]
    risks: tuple[tuple[str, str], ...]
    family_views: tuple[str, ...]
    child_views: tuple[str, ...]


# Their wording is data (demo/decisions.toml), by category.
DECISIONS = {
    category: Decisions(
        questions=tuple(words["questions"]),
        options=tuple((option, good, bad) for option, good, bad in words["options"]),
        decisions=tuple(words["decisions"]),
        rationales=tuple(words["rationales"]),
        risks=tuple((risk, managed) for risk, managed in words["risks"]),
        family_views=tuple(words["family_views"]),
        child_views=tuple(words["child_views"]),
    )
    for category, words in _read("decisions.toml").items()
}

# Decisions, supervision and conferences: their wording is in demo/writing.toml too.
ASK_TO_DISCUSS: list[str] = _WRITING["ask_to_discuss"]
APPROVALS: list[str] = _WRITING["approvals"]
DECLINES: list[str] = _WRITING["declines"]
DISCUSSED: list[str] = _WRITING["discussed"]
REVIEW_OUTCOMES: list[str] = _WRITING["review_outcomes"]
CONFERENCE_REASONS: list[str] = _WRITING["conference_reasons"]
CONFERENCE_QUESTIONS: list[str] = _WRITING["conference_questions"]
BOTTOM_LINES: list[str] = _WRITING["bottom_lines"]
PLAN_TASKS: list[tuple[str, str]] = [(task, who) for task, who in _WRITING["plan_tasks"]]
CONFERENCE_OUTCOMES: list[str] = _WRITING["conference_outcomes"]
ADVOCATES = _names("Jess Ormerod, Tariq Halloran, Grace Oyelaran, Ben Ashdown, Leila Fenwick")

# Who refers, as census referral sources, and how often (vocabulary cin_referral_source).
REFERRAL_SOURCES = {
    "2A": 0.22,
    "6": 0.2,
    "3B": 0.1,
    "3A": 0.06,
    "3E": 0.05,
    "1A": 0.1,
    "5D": 0.12,
    "5C": 0.05,
    "4": 0.04,
    "9": 0.03,
    "8": 0.03,
}
# Factors an assessment finds, by the level of work that followed (cin_assessment_factor).
REFERRAL_FACTORS = {
    "early_help": ["21", "4B", "14A", "3B"],
    "child_in_need": ["3B", "4B", "2B", "1B", "6A", "5A", "7A", "14A", "10A"],
    "child_protection": ["3B", "3A", "2B", "1B", "4B", "16A", "17A", "18B", "19B", "11A"],
    "child_in_care": ["16A", "17A", "18B", "2B", "1B", "4B", "3B", "10A"],
}

# The partner agencies' people at strategy discussions (surnames no family has).
STRATEGY_POLICE = _names("DC Sarah Thornbury, DC Ian Ashcombe, DS Mel Kelsall, DC Owen Penhaligon")
STRATEGY_HEALTH = _names("Ruth Wetherby, Kate Marchbank, Lorna Oakhurst")
STRATEGY_EDUCATION = _names("Paul Ridlington, Nadia Stavely, Simon Cranmore")
# What was shared: the worry that led to the discussion, as the minutes put it.
STRATEGY_INFORMATION: list[str] = _FAMILIES["strategy_information"]

# The teams' suggestions, peer consultations and group supervision (demo/team.toml).
_TEAM = _read("team.toml")
# (title, body, status, response or None)
SUGGESTIONS: list[tuple[str, str, str, str | None]] = [
    (s["title"], s["body"], s["status"], s.get("response")) for s in _TEAM["suggestions"]
]
# (title, dilemma, replies)
CONSULTATIONS: list[tuple[str, str, list[str]]] = [
    (c["title"], c["dilemma"], c["replies"]) for c in _TEAM["consultations"]
]

# Interaction modes and purposes a family sees between statutory visits, by level of need.
REGULAR_PURPOSES: dict[str, Weighted] = {
    "early_help": [("direct_work", 6), ("review", 1), ("other", 3)],
    "child_in_need": [("direct_work", 6), ("review", 1), ("other", 2)],
    "child_protection": [("direct_work", 7), ("review", 0.5), ("other", 2)],
    "child_in_care": [("family_time", 4), ("direct_work", 5), ("review", 0.5), ("other", 1.5)],
}
REGULAR_MODES: Weighted = [
    ("home_visit", 38),
    ("phone", 20),
    ("school", 8),
    ("office", 6),
    ("community", 10),
    ("video", 6),
    ("message", 12),
]
CATEGORY_WEIGHTS: dict[str, dict[str, float]] = {
    "early_help": {
        "routine_support": 5,
        "change_visit_frequency": 2,
        "share_information_with_school": 2,
    },
    "child_in_need": {
        "routine_support": 4,
        "change_visit_frequency": 2,
        "share_information_with_school": 2,
        "step_down_to_early_help": 1,
        "family_time_arrangements": 1,
        "safety_plan_change": 0.4,
    },
    "child_protection": {
        "routine_support": 2,
        "change_visit_frequency": 1,
        "share_information_with_school": 2,
        "family_time_arrangements": 1,
        "safety_plan_change": 2,
        "child_protection_referral": 3,
    },
    "child_in_care": {
        "routine_support": 2,
        "change_visit_frequency": 1,
        "share_information_with_school": 1.5,
        "family_time_arrangements": 3,
        "placement_move": 3,
        "safety_plan_change": 0.5,
    },
}
LEVELS: dict[str, Weighted] = {
    NORTH: [("early_help", 3), ("child_in_need", 4.5), ("child_protection", 2.5)],
    SOUTH: [("early_help", 3), ("child_in_need", 4.5), ("child_protection", 2.5)],
    IN_CARE: [("child_in_care", 1)],
}
HANDOVER_REASONS: Weighted = [
    ("worker_left", 3),
    ("workload", 3),
    ("family_request", 1),
    ("team_change", 1),
    ("case_stepped_down", 1),
    ("other", 1),
]
# The working day by the council's clock: most contacts and most writing fall in it.
WORKING_HOURS = (8, 18)
DURATIONS = {
    "home_visit": (40, 120),
    "school": (30, 60),
    "office": (45, 90),
    "community": (45, 120),
    "phone": (5, 40),
    "video": (15, 45),
}


# How our work with a family ends or moves on (demo/endings.toml), by kind of ending.
ENDINGS: dict[str, dict[str, Any]] = _read("endings.toml")


# A statutory visit's record beyond the note (demo/visits.toml): the reasons its
# checklist answers give, the note when nobody answered, the family's own copy.
_VISITS = _read("visits.toml")
ANSWERS: dict[str, Any] = _VISITS["answers"]
CORE_GROUP_ANSWERS: dict[str, str] = _VISITS["core_group_answers"]
NO_ACCESS: dict[str, str] = _VISITS["no_access"]
FAMILY_COPY: dict[str, str] = _VISITS["family_copy"]


# --- helpers ---------------------------------------------------------------------------


def _pick(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """Return one option, chosen by weight."""
    return rng.choices([value for value, _ in options], [weight for _, weight in options])[0]


def _weekday(day: date) -> date:
    """Return the day, or the Monday after it if it falls at a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _weekday_before(day: date) -> date:
    """Return the day, or the Friday before it if it falls at a weekend."""
    return day - timedelta(days=day.weekday() - 4) if day.weekday() >= 5 else day


def _working_days_before(day: date, count: int) -> date:
    """Return the working day ``count`` working days before ``day``."""
    while count:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """Return a moment of the day by the council's clock (as the app shows it), in UTC."""
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.COUNCIL_ZONE)
    return local.astimezone(UTC)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(clock.COUNCIL_ZONE)


def _in_working_hours(moment: datetime) -> bool:
    """Say whether a moment falls on a weekday between 08:00 and 18:00, council time."""
    local = _local(moment)
    return local.weekday() < 5 and WORKING_HOURS[0] <= local.hour < WORKING_HOURS[1]


def _working_moment(rng: random.Random, after: datetime, *, days: int = 0) -> datetime:
    """Return a moment in working hours, later the same day or ``days`` working days on.

    Workers mostly write, sign and answer in the working day; this is when.
    """
    local = _local(after)
    day = local.date()
    for _ in range(days):
        day = _weekday(day + timedelta(days=1))
    start, end = WORKING_HOURS[0] * 60 + 30, (WORKING_HOURS[1] - 1) * 60
    if days == 0:
        earliest = local.hour * 60 + local.minute + 5
        if local.weekday() < 5 and earliest <= end:
            minutes = rng.randint(max(earliest, start), end)
            return _at(day, minutes // 60, minutes % 60)
        day = _weekday(day + timedelta(days=1))
    minutes = rng.randint(start, end)
    return _at(day, minutes // 60, minutes % 60)


# Words that say when a visit was: used only for a visit at such a time.
AFTER_SCHOOL_WORDS = ("after school", "teatime", "end of the school day", "back from school")
HOLIDAY_WORDS = ("school holidays",)


def _fitting(texts: Sequence[str], at: datetime) -> list[str]:
    """Return the texts that agree with the time of the contact (none says "after school" at 10)."""
    holidays = at.month == 8 or (at.month == 7 and at.day >= 24)
    fitting = [
        text
        for text in texts
        if (at.hour >= 15 or not any(word in text for word in AFTER_SCHOOL_WORDS))
        and (holidays or not any(word in text for word in HOLIDAY_WORDS))
        and (12 <= at.hour < 17 or "this afternoon" not in text)
        and (11 <= at.hour < 14 or "lunchtime" not in text)
    ]
    return fitting or list(texts)


def _sentence(text: str) -> str:
    """Return text that starts with a capital ("a neighbour said" begins a section too)."""
    return text[:1].upper() + text[1:]


def _placement_line(address: Row) -> Row:
    """Return an address as the placement address table keeps it."""
    return {key: address[key] for key in ("line1", "line2", "town", "postcode")}


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Say(dict[str, str]):
    """Words a phrase may name; one it does not know is left as it is."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# What a worker adds to a chronology: (event, who told us, impact on the child, about
# one child?), from demo/families.toml.
CHRONOLOGY_ENTRIES: list[tuple[str, str, str, bool]] = [
    (entry["event"], entry["source"], entry["impact"], entry["about_one_child"])
    for entry in _FAMILIES["chronology"]
]

# The story so far, in two versions (demo/writing.toml): the first written soon after
# we met the family, the second brought up to date.
STORY_FIRST: dict[str, str] = _WRITING["story_first"]
STORY_UPDATE: dict[str, str] = _WRITING["story_update"]

GROUP_SUPERVISION_THEMES: list[str] = _TEAM["group_supervision"]["themes"]
REFLECTIVE_QUESTIONS: list[tuple[str, str]] = [
    (question, answer) for question, answer in _TEAM["group_supervision"]["reflective_questions"]
]
GROUP_SUPERVISION_ACTIONS: list[str] = _TEAM["group_supervision"]["actions"]
# The red decision one group reached: its wording, filled in from the family.
GROUP_DECISION: dict[str, Any] = _TEAM["group_decision"]


# --- the staff -------------------------------------------------------------------------


@dataclass(frozen=True)
class Worker:
    """A member of staff, as the records name them."""

    id: uuid.UUID
    username: str
    name: str
    role: str
    team: str | None
    active: bool


@dataclass
class Staff:
    """The council's teams and people, as the generator needs them."""

    teams: dict[str, uuid.UUID]
    people: dict[str, Worker]

    @classmethod
    def load(cls) -> Staff:
        """Read the demo teams and users back from the database."""
        query = sa.select(Team.name, Team.id).where(Team.name.in_(TEAMS))
        teams = {name: team_id for name, team_id in db.session.execute(query)}
        names = {team_id: name for name, team_id in teams.items()}
        usernames = [user[0] for user in DEMO_USERS] + [user[0] for user in STAFF]
        users = db.session.scalars(sa.select(User).where(User.username.in_(usernames)))
        people = {
            user.username: Worker(
                user.id,
                user.username,
                user.display_name,
                user.role,
                names.get(user.team_id) if user.team_id else None,
                user.active,
            )
            for user in users
        }
        return cls(teams, people)

    def _in(self, team: str, role: str, active: bool = True) -> list[Worker]:
        found = [w for w in self.people.values() if w.team == team and w.role == role]
        return sorted((w for w in found if w.active == active), key=lambda w: w.username)

    def caseworkers(self, team: str) -> list[Worker]:
        return self._in(team, Role.CASEWORKER)

    def leavers(self, team: str) -> list[Worker]:
        return self._in(team, Role.CASEWORKER, active=False)

    def supervisor(self, team: str | None) -> Worker:
        return self._in(team or NORTH, Role.SUPERVISOR)[0]

    @property
    def admin(self) -> Worker:
        return self.people["admin"]


def _hire_staff() -> Staff:
    """Create the teams and every worker; all sign in with the demo password."""
    teams = {name: accounts.get_or_create_team(name) for name in TEAMS}
    for username, name, role, team in DEMO_USERS:
        accounts.create_user(
            username,
            DEMO_PASSWORD,
            role=Role(role),
            display_name=name,
            team=teams[team] if team else None,
        )
    # One hash for the rest: argon2 is slow by design, and they share the password.
    password_hash = hash_password(DEMO_PASSWORD)
    now = clock.now()
    db.session.execute(
        sa.insert(User),
        [
            {
                "id": new_id(),
                "username": username,
                "display_name": name,
                "role": role,
                "team_id": teams[team].id,
                "password_hash": password_hash,
                "totp_secret": None,
                "active": active,
                "created_at": now - timedelta(days=2000),
                "password_changed_at": now,
            }
            for username, name, role, team, active in STAFF
        ],
    )
    db.session.flush()
    return Staff.load()


# --- a household -----------------------------------------------------------------------


@dataclass
class Member:
    """A person in the household, before they become a row."""

    id: uuid.UUID
    given: str
    surname: str
    role: str
    # How a child of the family would name them (HL7 role), for the network map.
    relation: str
    is_child: bool
    born: date
    sex: str
    ethnicity: str
    known_as: str | None = None

    @property
    def called(self) -> str:
        return self.known_as or self.given


@dataclass
class Visit:
    """A planned contact: its day, purpose, and the due date it answers, if any."""

    day: date
    purpose: str
    due: date | None = None
    mode: str | None = None
    # The checklist template the visit answers (its key), when it answers one.
    template: str | None = None
    # Nobody was home: the visit was attempted, no child was seen.
    no_access: bool = False


@dataclass
class Household:
    """One family while its records are being made."""

    id: uuid.UUID
    rng: random.Random
    team: str
    level: str
    opened: date
    surname: str
    heritage: Heritage
    area: str
    members: list[Member] = field(default_factory=list)
    # A looked-after child's foster carers: their own household at the placement
    # address, linked to the children by relationships, never members of this family.
    foster_carers: list[Member] = field(default_factory=list)
    # Their home, kept only in the confidential placement address (and the one before a move).
    placement_home: Row | None = None
    earlier_placement_home: Row | None = None
    earlier_carer: str = "the foster carer"
    school: str = "school"
    faith: str | None = None
    plan_start: date | None = None
    # The plan the children are on now, and its details (docs/architecture.md).
    plan_type: str | None = None
    cp_category: str | None = None
    legal_status: str | None = None
    placement_start: date | None = None
    placement_type: str | None = None
    # Children not seen on a day they were expected (a deliberate, recognisable gap).
    absent: dict[uuid.UUID, set[date]] = field(default_factory=dict)
    # (from, worker): who held the family from each date on.
    periods: list[tuple[date, Worker]] = field(default_factory=list)
    # (from, until, worker, why it ended)
    assignments: list[tuple[date, date | None, Worker, str | None]] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)

    @property
    def adults(self) -> list[Member]:
        return [m for m in self.members if not m.is_child]

    @property
    def children(self) -> list[Member]:
        return [m for m in self.members if m.is_child]

    @property
    def carer(self) -> Member:
        return self.adults[0]

    @property
    def foster_carer(self) -> Member | None:
        return self.foster_carers[0] if self.foster_carers else None

    @property
    def in_care(self) -> bool:
        return self.level == "child_in_care"

    def other(self) -> Member | None:
        others = self.adults[1:]
        return others[0] if others else None

    def elder(self) -> Member | None:
        for member in self.adults[1:]:
            if member.relation in ("MGRMTH", "PGRMTH", "MGRFTH", "AUNT", "FRND"):
                return member
        return None

    def worker_on(self, day: date) -> Worker:
        index = bisect.bisect_right([start for start, _ in self.periods], day) - 1
        return self.periods[max(index, 0)][1]

    def say(self, day: date, *, eldest: bool = False) -> Say:
        """Return the words phrases name: a child, the carer, someone else, the school."""
        born = [child for child in self.children if child.born <= day] or self.children
        child = born[0] if eldest else self.rng.choice(born)
        other = self.other()
        elder = self.elder()
        foster = self.foster_carer
        return Say(
            child=child.called,
            adult=self.carer.called,
            other=other.called if other else "a neighbour",
            elder=elder.called if elder else "Nan",
            school=self.school,
            carer=(
                foster.called
                if foster and (self.placement_start is None or day >= self.placement_start)
                else self.earlier_carer
                if foster
                else self.carer.called
            ),
            faith=self.faith or "church",
        )


class Surnames:
    """Hand out family names so that no two households of the council share one."""

    def __init__(self) -> None:
        # Nor a member of staff's: a family called Price in Hannah Price's team would confuse.
        staff = [user[1] for user in DEMO_USERS] + [user[1] for user in STAFF]
        self.used = {name.split()[-1] for name in (*staff, *ADVOCATES)}

    def take(self, rng: random.Random, heritage: Heritage) -> str:
        free = [name for name in heritage.surnames if name not in self.used]
        if free:
            name = rng.choice(free)
        else:
            # A council bigger than the lists: join two names, as many families do.
            while True:
                first, second = rng.sample(heritage.surnames, 2)
                name = f"{first}-{second}"
                if name not in self.used:
                    break
        self.used.add(name)
        return name


# --- the generator ---------------------------------------------------------------------


class _Council:
    """Builds every row of a synthetic council's case work, without touching the database."""

    def __init__(self, seed: int, staff: Staff, today: date, policy_version: int) -> None:
        # Not for security: a repeatable demonstration.
        self.rng = random.Random(seed)  # noqa: S311  (synthetic data, not secrets)
        # Its own stream, so the rest of the council is the same whatever it draws.
        self.signal = random.Random(seed + 1)  # noqa: S311  (synthetic data, not secrets)
        # Strategy discussions draw from their own stream for the same reason.
        self.strategy_rng = random.Random(seed + 47)  # noqa: S311  (synthetic data, not secrets)
        # And referrals, recorded last from the plans already drawn.
        self.referral_rng = random.Random(seed + 16)  # noqa: S311  (synthetic data, not secrets)
        # Shown once each: an enquiry whose ICPC is due soon, and one that ended in no action.
        self.strategy_examples = {"icpc_due_soon": 1, "no_further_action": 1}
        self.staff = staff
        self.today = today
        # Everything happened before today began, so nothing is in the future.
        self.now = _at(today, 0)
        self.policy_version = policy_version
        self.rows: Rows = {}
        self.templates = {
            key: new_id()
            for key in (
                "statutory_visit",
                "child_in_need_visit",
                "looked_after_visit",
                "core_group",
                "looked_after_review",
            )
        }
        self.households: list[Household] = []
        self.surnames = Surnames()
        # The children's names in each worker's caseload, so none is given twice.
        self.child_names: dict[uuid.UUID, set[str]] = {}
        # The few gaps in statutory work the demo shows, each for a reason a
        # supervisor would recognise; everything else is done in time.
        self.gaps_to_leave: dict[str, list[str]] = {
            "cw.amara": ["no_access", "away_from_home"],
            IN_CARE: ["new_placement"],
        }

    def add(self, model: type[Any], row: Row) -> Row:
        self.rows.setdefault(model, []).append(row)
        return row

    def synced_after(self) -> timedelta:
        """Return how long a change waited on the device before it reached the server.

        Most sync within a minute or two; some were written at a home with no
        signal and synced on the way back, an hour or two later.
        """
        if self.signal.random() < 0.75:
            return timedelta(seconds=self.signal.randint(2, 110))
        return timedelta(minutes=self.signal.randint(6, 150))

    def record(self, model: type[Any], at: datetime, by: Worker, **values: Any) -> Row:
        """Add a case record made by ``by`` at ``at``, as the app would stamp it.

        ``at`` is when the server received it; a record a court may read also
        keeps when it was written (and signed) on the worker's device, earlier.
        """
        if model.kind in DEVICE_TIMED:
            values["device_written_at"] = at - self.synced_after()
            if model.kind in SIGNABLE:
                signed = values.get("signed_at")
                values["device_signed_at"] = (
                    None
                    if signed is None
                    else values["device_written_at"]
                    if signed == at
                    else signed - self.synced_after()
                )
        return self.add(
            model,
            {
                "id": values.pop("id", None) or new_id(),
                "version": 1,
                "created_at": at,
                "updated_at": at,
                "deleted_at": None,
                "created_by_id": by.id,
                "updated_by_id": by.id,
                **values,
            },
        )

    def build(self, families: int) -> Rows:
        self.practice()
        seeds = [self.rng.getrandbits(64) for _ in range(families)]
        teams = [TEAMS[i] if i < len(TEAMS) else self.pick_team() for i in range(families)]
        workers = self.allocate(teams)
        for index, (family_seed, team, worker) in enumerate(
            zip(seeds, teams, workers, strict=True)
        ):
            self.family(index, random.Random(family_seed), team, worker)  # noqa: S311  (synthetic data)
        self.suggestions()
        self.consultations()
        self.group_supervision()
        self.asks_to_discuss()
        self.verbal_approvals()
        self.chronologies()
        self.endings()
        self.family_copies()
        self.referrals()
        self.census_gaps()
        return self.rows

    # --- ending our work: a step down, a proposal, a reopening, a transfer ------------

    def endings(self) -> None:
        """Show our work ending well: each of the ways it ends, at a different stage.

        A North family stepped down to early help two months ago (closed, and gone
        from devices); one of cw.amara's families with a step down waiting for
        sup.north; a South family we worked with before, reopened; and a North
        family agreed to move to Children in Care, waiting for that team.
        """
        # Every row of a table carries the same columns: they are inserted together.
        for row in self.rows.get(Judgment, []):
            row.setdefault("ending", None)
        for row in self.rows.get(Family, []):
            row.setdefault("closed_on", None)
            row.setdefault("closure_reason", None)
        open_to_choose = [h for h in self.households if h.level in ("early_help", "child_in_need")]
        north = [h for h in open_to_choose if h.team == NORTH]
        amaras = [h for h in north if h.periods[-1][1].username == "cw.amara"]
        others = [h for h in north if h.periods[-1][1].username != "cw.amara"]
        south = [h for h in self.households if h.team == SOUTH]
        if others:
            self.stepped_down(others[-1], self.today - timedelta(days=61))
        if amaras:
            self.ending_proposed(amaras[-1])
        if south:
            self.reopened(south[0])
        if len(others) > 1:
            self.transfer_waiting(others[0])

    def _family_row(self, h: Household) -> Row:
        return next(row for row in self.rows[Family] if row["id"] == h.id)

    def _ending_judgment(
        self,
        h: Household,
        by: Worker,
        at: datetime,
        interaction: Row | None,
        category: str,
        ending: dict[str, Any],
        **values: Any,
    ) -> Row:
        say = h.say(at.date())
        words = ENDINGS["ending"]
        return self.record(
            Judgment,
            at,
            by,
            family_id=h.id,
            interaction_id=interaction["id"] if interaction else None,
            category=category,
            options=[
                {"option": option, "for": good, "against": bad}
                for option, good, bad in words["options"]
            ],
            rationale=words["rationale"],
            risks=[{"risk": risk, "mitigation": managed} for risk, managed in words["risks"]],
            consulted=[
                {"name": name, "role": role, "view": view.format_map(say)}
                for name, role, view in words["consulted"]
            ],
            disagreed=[],
            light=light_for(POLICY, category).value,
            policy_version=self.policy_version,
            review_date=None,
            state="signed",
            signed_at=at,
            review_outcome=None,
            reviewed_on=None,
            supervision_discussion_id=None,
            ending=ending,
            **values,
        )

    def _last_visit(self, h: Household, before: datetime) -> Row | None:
        visits = [
            row
            for row in self.rows.get(Interaction, [])
            if row["family_id"] == h.id
            and row["occurred_at"] < before
            and row["mode"] == "home_visit"
        ]
        return max(visits, key=lambda row: row["occurred_at"], default=None)

    def stepped_down(self, h: Household, closed_on: date) -> None:
        """Close a family stepped down to early help on ``closed_on``: nothing of it after that."""
        end = _at(closed_on, 17)
        dated: dict[type[Any], str] = {Interaction: "occurred_at"}
        for model in (
            Interaction,
            Note,
            Judgment,
            Checklist,
            ChecklistItem,
            Review,
            Conference,
            PlanAction,
            SupervisionDiscussion,
            ChronologyEntry,
            CaseSummary,
            StrategyDiscussion,
            FamilyCopy,
            Attachment,
            Referral,
        ):
            column = dated.get(model, "created_at")
            self.rows[model] = [
                row
                for row in self.rows.get(model, [])
                if row.get("family_id") != h.id or row[column] < end
            ]
        self.rows[PlanEpisode] = [
            row
            for row in self.rows[PlanEpisode]
            if row["family_id"] != h.id or row["started_on"] <= closed_on
        ]
        self.rows[Assignment] = [
            row
            for row in self.rows[Assignment]
            if row["family_id"] != h.id or row["started_on"] < closed_on
        ]
        worker = h.worker_on(closed_on - timedelta(days=1))
        supervisor = self.staff.supervisor(h.team)
        visit = self._last_visit(h, end)
        say = h.say(closed_on)
        words = ENDINGS["stepped_down"]
        ending = {
            "kind": "step_down",
            # The census's code: services ceased, the child no longer in need.
            "closure_reason": "RC7",
            "closing_visit_id": str(visit["id"]) if visit else None,
            "changes": [
                {"goal": goal, "in_their_words": words["in_their_words"]}
                for goal in self._family_row(h)["goals"][:2]
            ],
            "if_worries_return": words["if_worries_return"],
            "to_team_id": None,
            "handover_note": None,
        }
        proposed = _at(closed_on - timedelta(days=3), 15)
        agreed = _at(closed_on, 11)
        judgment = self._ending_judgment(
            h,
            worker,
            proposed,
            visit,
            "step_down_to_early_help",
            ending,
            question=words["question"],
            decision=words["decision"],
            family_view=words["family_view"].format_map(say),
            child_view=words["child_view"].format_map(say),
            status=JudgmentStatus.APPROVED.value,
            decided_by_id=supervisor.id,
            decided_at=agreed,
            decision_reason=words["decision_reason"],
        )
        judgment["updated_at"] = agreed
        family = self._family_row(h)
        family.update(status="closed", closed_on=closed_on, closure_reason="RC7", updated_at=agreed)
        for row in self.rows[PlanEpisode]:
            if row["family_id"] == h.id and row["ended_on"] is None:
                row.update(ended_on=closed_on, end_reason="stepped_down", updated_at=agreed)
        for row in self.rows[Assignment]:
            if row["family_id"] == h.id and row["ended_on"] is None:
                row.update(
                    ended_on=closed_on,
                    change_reason="case_stepped_down",
                    handover_note=judgment["decision"],
                    updated_at=agreed,
                )
        self.add(
            CaseEpisode,
            {
                "id": new_id(),
                "family_id": h.id,
                "opened_on": h.opened,
                "closed_on": closed_on,
                "ending_kind": "step_down",
                "closure_reason": "RC7",
                "ending_judgment_id": judgment["id"],
                "follows_id": None,
                "reopen_reason": None,
                "opened_by_id": None,
                "closed_by_id": supervisor.id,
            },
        )

    def ending_proposed(self, h: Household) -> None:
        """cw.amara proposes stepping a family down after her closing visit; sup.north has it."""
        worker = h.periods[-1][1]
        visit = self._last_visit(h, self.now)
        if visit is None:
            return
        at = visit["occurred_at"] + timedelta(hours=3)
        say = h.say(at.date())
        words = ENDINGS["ending_proposed"]
        self._ending_judgment(
            h,
            worker,
            at,
            visit,
            "step_down_to_early_help",
            {
                "kind": "step_down",
                "closure_reason": "RC7",
                "closing_visit_id": str(visit["id"]),
                "changes": [
                    {"goal": goal, "in_their_words": words["in_their_words"]}
                    for goal in self._family_row(h)["goals"][:2]
                ],
                "if_worries_return": words["if_worries_return"],
                "to_team_id": None,
                "handover_note": None,
            },
            question=words["question"],
            decision=words["decision"],
            family_view=words["family_view"].format_map(say),
            child_view=words["child_view"].format_map(say),
            status=JudgmentStatus.AWAITING_APPROVAL.value,
            decided_by_id=None,
            decided_at=None,
            decision_reason=None,
        )

    def reopened(self, h: Household) -> None:
        """A family we worked with before: the earlier episode closed, this one follows it."""
        closed_on = _weekday(h.opened - timedelta(days=230))
        earlier = self.add(
            CaseEpisode,
            {
                "id": new_id(),
                "family_id": h.id,
                "opened_on": _weekday(closed_on - timedelta(days=290)),
                "closed_on": closed_on,
                "ending_kind": "step_down",
                "closure_reason": "RC7",
                "ending_judgment_id": None,
                "follows_id": None,
                "reopen_reason": None,
                "opened_by_id": None,
                "closed_by_id": None,
            },
        )
        self.add(
            CaseEpisode,
            {
                "id": new_id(),
                "family_id": h.id,
                "opened_on": h.opened,
                "closed_on": None,
                "ending_kind": None,
                "closure_reason": None,
                "ending_judgment_id": None,
                "follows_id": earlier["id"],
                "reopen_reason": ENDINGS["reopened"]["reopen_reason"],
                "opened_by_id": self.staff.supervisor(h.team).id,
                "closed_by_id": None,
            },
        )

    def transfer_waiting(self, h: Household) -> None:
        """A North family whose move to Children in Care is agreed, waiting for that team."""
        worker = h.periods[-1][1]
        supervisor = self.staff.supervisor(h.team)
        at = self.now - timedelta(days=2, hours=6)
        words = ENDINGS["transfer"]
        note = words["handover_note"]
        in_care = self.staff.teams[IN_CARE]
        judgment = self._ending_judgment(
            h,
            worker,
            at,
            None,
            "transfer_to_another_team",
            {
                "kind": "transfer",
                "closure_reason": None,
                "closing_visit_id": None,
                "changes": [],
                "if_worries_return": None,
                "to_team_id": str(in_care),
                "handover_note": note,
            },
            question=words["question"],
            decision=words["decision"],
            family_view=words["family_view"],
            child_view=None,
            status=JudgmentStatus.APPROVED.value,
            decided_by_id=supervisor.id,
            decided_at=at + timedelta(hours=20),
            decision_reason=words["decision_reason"],
        )
        self.add(
            FamilyTransfer,
            {
                "id": new_id(),
                "family_id": h.id,
                "judgment_id": judgment["id"],
                "from_team_id": self.staff.teams[h.team],
                "to_team_id": in_care,
                "handover_note": note,
                "agreed_by_id": supervisor.id,
                "agreed_at": at + timedelta(hours=20),
                "accepted_by_id": None,
                "accepted_at": None,
            },
        )

    def pupil_number(self, m: Any) -> dict[str, Any]:
        """A child's unique pupil number, made from their id (so the seed's draws are untouched).

        A child under 5 has none yet: the census's reason UN1, not yet in school.
        """
        none = {"upn": None, "former_upn": None, "upn_unknown": None}
        empty = {**none, "expected_date_of_birth": None, "date_of_death": None}
        if not m.is_child:
            return empty
        if _age(m.born, self.today) < 5:
            return {**empty, "upn_unknown": "UN1"}
        digits = f"{m.id.int % 10**8:08d}"
        rest = f"{DEMO_LA_NUMBER}{digits[:4]}{(m.born.year + 4) % 100:02d}{digits[4:7]}"
        return {**empty, "upn": upn.check_letter(rest) + rest}

    def referrals(self) -> None:
        """Record the referral behind each child's statutory work, and its assessment.

        Each child with a child in need, child protection or looked after plan
        was referred a few days before their first such plan (or the strategy
        discussion about them, if earlier), never before they were born; an
        assessment started within three working days and was authorised within
        45, with the factors it found. Two early help children were referred
        and had no further action. Drawn from a generator of their own, so the
        rest of the council is unchanged. The census gaps below leave one
        authorised assessment with no factors recorded.
        """
        rng = self.referral_rng
        first: dict[uuid.UUID, date] = {}
        for row in self.rows.get(PlanEpisode, []):
            if row["plan_type"] in ("child_in_need", "child_protection", "looked_after"):
                began = first.get(row["person_id"])
                first[row["person_id"]] = (
                    min(began, row["started_on"]) if began else row["started_on"]
                )
        for row in self.rows.get(StrategyDiscussion, []):
            for text in row["child_ids"]:
                child_id = uuid.UUID(text)
                if child_id in first and row["s47_started_on"]:
                    first[child_id] = min(first[child_id], row["s47_started_on"])
        no_further_action = 2
        for h in self.households:
            for child in h.children:
                began = first.get(child.id)
                if began is None:
                    if h.level != "early_help" or not no_further_action:
                        continue
                    no_further_action -= 1
                    day = max(child.born, _weekday(h.opened - timedelta(days=rng.randint(5, 20))))
                    self._referral(h, child, day, rng, further=False)
                    continue
                day = max(child.born, began - timedelta(days=rng.randint(3, 12)))
                self._referral(h, child, day, rng, further=True, before=began)

    def _referral(
        self,
        h: Household,
        child: Any,
        day: date,
        rng: random.Random,
        *,
        further: bool,
        before: date | None = None,
    ) -> None:
        worker = h.worker_on(day)
        started = authorised = None
        factors: list[str] = []
        if further:
            started = min(day + timedelta(days=rng.randint(0, 3)), before or day)
            authorised = started + timedelta(days=rng.randint(10, 40))
            if authorised > self.today:
                authorised = None
            else:
                factors = sorted(
                    rng.sample(
                        REFERRAL_FACTORS.get(h.level, REFERRAL_FACTORS["child_in_need"]),
                        rng.randint(1, 3),
                    )
                )
        self.record(
            Referral,
            _at(day, rng.randint(9, 16)),
            worker,
            family_id=h.id,
            person_id=child.id,
            referred_on=day,
            source=_pick(rng, list(REFERRAL_SOURCES.items())),
            primary_need=(
                "N1" if h.level == "child_protection" else rng.choice(["N1", "N4", "N5", "N3"])
            )
            if further
            else None,
            no_further_action=not further,
            assessment_started_on=started,
            assessment_authorised_on=authorised,
            assessment_factors=factors,
        )

    def census_gaps(self) -> None:
        """Leave the statutory returns' few deliberate, recognisable errors.

        The census validation report lists them (docs/metrics.md): the first
        child in need (by id) has no unique pupil number and no reason why; the
        second's number was mistyped (its check letter is wrong); the first child
        protection plan with no strategy discussion recording its conference has no
        initial conference date; the first authorised
        assessment (by its referral's id) has no factors recorded.
        """
        statutory = {
            row["person_id"]
            for row in self.rows.get(PlanEpisode, [])
            if row["plan_type"] == "child_in_need" and row["ended_on"] is None
        }
        children = sorted(
            (row for row in self.rows.get(Person, []) if row["id"] in statutory and row["upn"]),
            key=lambda row: row["id"],
        )
        if len(children) >= 2:
            children[0]["upn"] = None
            first = children[1]["upn"]
            wrong = next(letter for letter in upn.LETTERS if letter != first[0])
            children[1]["upn"] = wrong + first[1:]
        # A plan whose strategy discussion records the conference would have its date from there.
        held = {
            uuid.UUID(text)
            for row in self.rows.get(StrategyDiscussion, [])
            if row["icpc_held_on"] is not None
            for text in row["child_ids"]
        }
        plans = sorted(
            (
                row
                for row in self.rows.get(PlanEpisode, [])
                if row["plan_type"] == "child_protection"
                and row["ended_on"] is None
                and row["person_id"] not in held
            ),
            key=lambda row: row["id"],
        )
        if plans:
            plans[0]["initial_conference_on"] = None
        assessed = sorted(
            (row for row in self.rows.get(Referral, []) if row["assessment_factors"]),
            key=lambda row: row["id"],
        )
        if assessed:
            assessed[0]["assessment_factors"] = []

    def pick_team(self) -> str:
        return _pick(self.rng, list(TEAM_SHARE.items()))

    def allocate(self, teams: list[str]) -> list[Worker]:
        """Choose each family's worker now: cw.amara holds her share of North's families."""
        workers: list[Worker | None] = [None] * len(teams)
        amara = self.staff.people["cw.amara"]
        amara_quota = max(1, round(len(teams) * AMARA_SHARE))
        for team in TEAMS:
            indexes = [i for i, name in enumerate(teams) if name == team]
            self.rng.shuffle(indexes)
            pool = self.staff.caseworkers(team)
            if team == NORTH:
                for i in indexes[:amara_quota]:
                    workers[i] = amara
                indexes = indexes[amara_quota:]
                pool = [w for w in pool if w.username != amara.username]
            for position, i in enumerate(indexes):
                workers[i] = pool[position % len(pool)]
        return [worker for worker in workers if worker is not None]

    # --- practice settings ---

    def practice(self) -> None:
        admin = self.staff.admin
        created = self.now - timedelta(days=5 * 366)
        self.add(
            DecisionPolicy,
            {
                "version": self.policy_version,
                "categories": POLICY,
                "created_at": created,
                "created_by_id": admin.id,
                "reason": "The council's decision policy, as agreed by the practice board.",
            },
        )
        for key, purpose, name, items, timescale, basis in (
            (
                "statutory_visit",
                "statutory_visit",
                "Statutory visit: child protection plan",
                STATUTORY_ITEMS,
                CP_VISIT_TIMESCALE,
                LEGAL_BASIS_VISIT,
            ),
            (
                "child_in_need_visit",
                "statutory_visit",
                "Statutory visit: child in need plan",
                STATUTORY_ITEMS,
                CIN_VISIT_TIMESCALE,
                LEGAL_BASIS_VISIT,
            ),
            (
                "looked_after_visit",
                "statutory_visit",
                "Statutory visit: looked-after child",
                STATUTORY_ITEMS,
                LOOKED_AFTER_VISIT_TIMESCALE,
                LEGAL_BASIS_LOOKED_AFTER,
            ),
            (
                "core_group",
                "core_group",
                "Core group meeting",
                CORE_GROUP_ITEMS,
                CORE_GROUP_TIMESCALE,
                LEGAL_BASIS_CORE,
            ),
            (
                "looked_after_review",
                "review",
                "Looked-after child's review",
                REVIEW_ITEMS,
                LOOKED_AFTER_REVIEW_TIMESCALE,
                LEGAL_BASIS_REVIEW,
            ),
        ):
            self.add(
                ChecklistTemplate,
                {
                    "id": self.templates[key],
                    "key": key,
                    "version": 1,
                    "name": name,
                    "purpose": purpose,
                    "items": items,
                    "timescale": timescale,
                    "legal_basis": basis,
                    "active": True,
                    "created_at": created,
                    "created_by_id": admin.id,
                },
            )

    # --- one family ---

    def family(self, index: int, rng: random.Random, team: str, worker: Worker) -> None:
        opened = self.today - timedelta(days=rng.randint(365, 5 * 365))
        if rng.random() < 0.1:
            opened = self.today - timedelta(days=rng.randint(45, 364))  # some are new to us
        heritage = _pick(rng, [(h, h.weight) for h in HERITAGES])
        household = Household(
            id=new_id(),
            rng=rng,
            team=team,
            level=_pick(rng, LEVELS[team]),
            opened=_weekday(opened),
            surname=self.surnames.take(rng, heritage),
            heritage=heritage,
            area=rng.choice(AREAS[team]),
        )
        self.households.append(household)
        self.people(household, self.child_names.setdefault(worker.id, set()))
        self.assignments(household, worker)
        self.family_row(household)
        self.network(household)
        self.plan(household)
        self.leave_a_gap(household, worker)
        self.episodes(household)
        self.strategy_discussion(household)
        if rng.random() < 0.12 or index == 1:
            self.conference(household)
        self.work(household)

    def people(self, h: Household, caseload_names: set[str]) -> None:
        """Make the household: a main carer, perhaps a partner and an elder, 1-4 children.

        No two children in one worker's caseload share a name (``caseload_names``
        holds those already given), so a worker never has to ask "which Mason?".
        """
        rng, heritage = h.rng, h.heritage
        mother_led = rng.random() < 0.85
        # The eldest child was born before we met the family (most plans are not pre-birth).
        known_for = (self.today - h.opened).days // 365 + 1
        carer_age = rng.randint(min(19 + known_for, 40), 46)
        carer = self.person(h, heritage, "F" if mother_led else "M", carer_age, h.surname)
        carer.role, carer.relation = ("mother", "MTH") if mother_led else ("father", "FTH")
        h.members.append(carer)
        partner_heritage = heritage
        step = False
        if rng.random() < 0.5:
            if heritage is WHITE_BRITISH and rng.random() < 0.3:
                partner_heritage = _pick(rng, [(x, x.weight) for x in HERITAGES[1:]])
            step = rng.random() < 0.35
            partner = self.person(
                h,
                partner_heritage,
                "M" if mother_led else "F",
                max(19, carer_age + rng.randint(-4, 8)),
                self.surnames.take(rng, partner_heritage) if step else h.surname,
            )
            if mother_led:
                partner.role, partner.relation = (
                    ("stepfather", "STPFTH") if step else ("father", "FTH")
                )
            else:
                partner.role, partner.relation = (
                    ("stepmother", "STPMTH") if step else ("mother", "MTH")
                )
            h.members.append(partner)
        if rng.random() < 0.3:
            kind = rng.choice(("grandmother", "grandmother", "aunt", "family friend"))
            elder_age = carer_age + rng.randint(20, 28) if kind == "grandmother" else carer_age + 3
            elder = self.person(
                h,
                heritage,
                "F",
                min(elder_age, 82),
                h.surname if kind != "family friend" else self.surnames.take(rng, heritage),
            )
            elder.role = kind
            elder.relation = {"grandmother": "MGRMTH", "aunt": "AUNT"}.get(kind, "FRND")
            h.members.append(elder)
        room = 6 - len(h.members) - (1 if h.in_care else 0)
        count = min(room, _pick(rng, [(1, 4), (2, 4), (3, 2), (4, 1)]))
        # A step-parent's heritage is not the children's.
        parent_heritage = heritage if step else partner_heritage
        ethnicity = heritage.ethnicity
        if parent_heritage is not heritage:
            ethnicity = MIXED_ETHNICITY.get(parent_heritage.ethnicity, "MOTH")
            if parent_heritage.ethnicity.startswith("W"):
                ethnicity = "WOTH"
        child_heritage = heritage if rng.random() < 0.6 else parent_heritage
        max_age = max(0, min(17, carer_age - 17))
        for number in range(max(1, count)):
            youngest = min(known_for, max_age) if number == 0 else 0
            age = rng.randint(youngest, max_age)
            child = self.person(
                h, child_heritage, rng.choice("FM"), age, h.surname, ethnicity, caseload_names
            )
            child.role, child.relation = "child", "CHILD"
            caseload_names.update(filter(None, (child.given, child.known_as)))
            h.members.append(child)
        # Adults first (the main carer leading), then the children from the eldest.
        h.members.sort(key=lambda m: (m.is_child, m.born if m.is_child else date.min))
        if h.in_care:
            self.foster_home(h)
        school_age = [child for child in h.children if _age(child.born, self.today) >= 4]
        primary, secondary = SCHOOLS_OF_AREA[h.area]
        if school_age:
            oldest = max(_age(child.born, self.today) for child in school_age)
            h.school = h.rng.choice(secondary if oldest >= 11 else primary)
        else:
            h.school = "nursery"
        if rng.random() < FAITH_GROUP_SHARE:
            h.faith = rng.choice(FAITH_GROUPS).format(area=h.area)

    def foster_home(self, h: Household) -> None:
        """Give a looked-after family's children their foster carers, in a home of their own."""
        rng = h.rng
        h.legal_status = _pick(rng, LEGAL_STATUSES)
        h.placement_type = _pick(rng, FOSTER_PLACEMENTS)
        heritage = _pick(rng, [(x, x.weight) for x in HERITAGES])
        surname = self.surnames.take(rng, heritage)
        first = self.person(
            h, heritage, "F" if rng.random() < 0.8 else "M", rng.randint(38, 62), surname
        )
        first.role, first.relation = "foster carer", "FSTPRN"
        h.foster_carers.append(first)
        if rng.random() < 0.6:
            sex = "M" if first.sex == "female" else "F"
            second = self.person(h, heritage, sex, _age(first.born, self.today) + 2, surname)
            second.role, second.relation = "foster carer", "FSTPRN"
            h.foster_carers.append(second)
        # Placed away from the family's own streets, as most children in care are.
        areas = [area for area in POSTCODE_DISTRICTS if area != h.area]
        h.placement_home = self.address(rng, rng.choice(areas), h.opened)
        # Whoever looked after the children before a placement move, by first name.
        h.earlier_carer = rng.choice(WHITE_BRITISH.women)
        h.earlier_placement_home = self.address(rng, rng.choice(areas), h.opened)

    def person(
        self,
        h: Household,
        heritage: Heritage,
        sex: str,
        age: int,
        surname: str,
        ethnicity: str | None = None,
        avoid: set[str] | None = None,
    ) -> Member:
        rng = h.rng
        is_child = age < 18
        if is_child:
            names = heritage.girls if sex == "F" else heritage.boys
        else:
            names = heritage.women if sex == "F" else heritage.men
        taken = {m.given for m in h.members} | (avoid or set())
        free = [name for name in names if name not in taken and NICKNAMES.get(name) not in taken]
        given = rng.choice(free or names)
        born = self.today - timedelta(days=age * 365 + rng.randint(0, 364))
        return Member(
            id=new_id(),
            given=given,
            surname=surname,
            role="",
            relation="",
            is_child=is_child,
            born=born,
            sex="female" if sex == "F" else "male",
            ethnicity=ethnicity or heritage.ethnicity,
            known_as=NICKNAMES.get(given) if rng.random() < 0.5 else None,
        )

    def family_row(self, h: Household) -> None:
        rng = h.rng
        first = h.worker_on(h.opened)
        opened_at = _at(h.opened, 9, rng.randint(0, 59))
        speaks_home = h.heritage.language != "English" and rng.random() < (
            h.heritage.speaks_home_language
        )
        language = h.heritage.language if speaks_home else "English"
        interpreter = speaks_home and rng.random() < h.heritage.interpreter
        address = self.address(rng, h.area, h.opened)
        history: list[Row] = []
        if rng.random() < 0.25:
            moved = h.opened + timedelta(
                days=rng.randint(60, max(61, (self.today - h.opened).days))
            )
            if moved < self.today:
                history = [{**address, "until": moved.isoformat()}]
                address = self.address(rng, rng.choice(AREAS[h.team]), moved)
        # Goals are the family's own: usually about the eldest, who has the most say.
        say = h.say(self.today, eldest=True)
        wishes = rng.sample(GOALS, rng.randint(1, 3))
        if h.level == "child_in_care":
            wishes = [*rng.sample(CARE_GOALS, 2), *wishes[:1]]
        goals = [goal.format_map(say) for goal in wishes]
        prefix = {NORTH: "NFS", SOUTH: "SFS", IN_CARE: "CIC"}[h.team]
        self.record(
            Family,
            opened_at,
            first,
            id=h.id,
            display_name=f"{h.surname} family",
            address=address,
            address_history=history,
            preferred_language=language,
            interpreter_needed=interpreter,
            local_reference=f"{prefix}-{rng.randint(10000, 99999)}",
            status="open",
            goals=goals,
            team_id=self.staff.teams[h.team],
        )
        for member in h.members:
            self.person_rows(h, member, opened_at, first, language, interpreter)

    def address(self, rng: random.Random, area: str, since: date) -> Row:
        flat = rng.random() < 0.4
        postcode = (
            f"FW{POSTCODE_DISTRICTS[area]} {rng.randint(1, 9)}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        )
        return {
            "line1": f"Flat {rng.randint(1, 48)}, {rng.choice(ESTATE_BLOCKS)}"
            if flat
            else f"{rng.randint(1, 160)} {rng.choice(STREETS)}",
            "line2": rng.choice(STREETS) if flat else None,
            "town": area,
            "postcode": postcode,
            "since": since.isoformat(),
        }

    def person_rows(
        self,
        h: Household,
        m: Member,
        at: datetime,
        by: Worker,
        language: str,
        interpreter: bool,
        *,
        member: bool = True,
    ) -> None:
        rng = h.rng
        accuracy = "exact"
        born = m.born
        if not m.is_child and m.role != "foster carer":
            accuracy = _pick(rng, [("exact", 75), ("month", 15), ("estimated", 10)])
            if accuracy == "month":
                born = born.replace(day=1)
            elif accuracy == "estimated":
                born = date(born.year, 7, 1)
        disabilities = ["NONE"]
        if m.is_child and rng.random() < 0.22:
            disabilities = rng.choice(
                (
                    ["AUT"],
                    ["LD"],
                    ["COMM"],
                    ["BEH"],
                    ["AUT", "COMM"],
                    ["HEAR"],
                    ["VIS"],
                    ["MOB", "PC"],
                )
            )
        elif not m.is_child and rng.random() < 0.12:
            disabilities = rng.choice((["MOB"], ["VIS"], ["HEAR"], ["LD"], ["DDA"]))
        elif not m.is_child and rng.random() < 0.06:
            disabilities = []  # not yet asked
        needs = [COMMUNICATION_NEEDS[code] for code in disabilities if code in COMMUNICATION_NEEDS]
        if interpreter and not m.is_child and m.role != "foster carer":
            needs.append(f"Prefers {language}; book an interpreter for meetings.")
        ethnicity = m.ethnicity
        if not m.is_child and rng.random() < 0.05:
            ethnicity = rng.choice(("NOBT", "NOBT", "REFU"))
        teen = m.is_child and _age(m.born, self.today) >= 13
        joined = max(h.opened, m.born)
        # A baby born while we work with the family is added after the birth.
        at = max(at, _at(joined, 12))
        person = self.record(
            Person,
            at,
            by,
            id=m.id,
            given_name=m.given,
            family_name=m.surname,
            known_as=m.known_as,
            date_of_birth=born,
            dob_accuracy=accuracy,
            sex=m.sex,
            gender="non-binary" if teen and rng.random() < 0.03 else None,
            ethnicity=ethnicity,
            disabilities=disabilities,
            communication_needs=" ".join(needs) or None,
            is_child=m.is_child,
            local_child_id=f"LC{rng.randint(100000, 999999)}" if m.is_child else None,
            **self.pupil_number(m),
        )
        if not member:
            return
        self.record(
            Membership,
            at,
            by,
            family_id=h.id,
            person_id=person["id"],
            role_in_family=m.role,
            valid_from=joined,
            valid_to=None,
        )

    # --- the network map ---

    def network(self, h: Household) -> None:
        """Draw 3-8 edges: the children to their carers, each other, wider family, services."""
        rng = h.rng
        children, carer = h.children, h.carer
        first = h.worker_on(h.opened)
        at = _at(h.opened, 11)
        edges: list[Row] = []

        def edge(
            child: Member,
            to: Member | None,
            type_: str,
            quality: str,
            *,
            organisation: tuple[str, str] | None = None,
            support: str | None = None,
            restriction: str | None = None,
            account: str = "family",
            since: date | None = None,
        ) -> None:
            edges.append(
                {
                    "from_person_id": child.id,
                    "to_person_id": to.id if to else None,
                    "to_organisation": organisation[0] if organisation else None,
                    "organisation_kind": organisation[1] if organisation else None,
                    "type": type_,
                    "quality": quality,
                    "support_role": support,
                    "contact_restrictions": restriction,
                    "valid_from": max(since or h.opened, child.born, to.born if to else child.born),
                    "valid_to": None,
                    "account_of": account,
                }
            )

        for child in children:
            edge(child, carer, carer.relation, _pick(rng, [("strong", 7), ("stressful", 2)]))
        for adult in h.adults[1:]:
            child = rng.choice(children)
            if adult.relation in ("FTH", "MTH", "STPFTH", "STPMTH"):
                quality = _pick(
                    rng, [("strong", 4), ("tenuous", 2), ("stressful", 2), ("conflicted", 2)]
                )
                restriction = None
                if quality == "conflicted" and h.level in ("child_protection", "child_in_care"):
                    restriction = "Supervised family time only; no overnight stays."
                edge(child, adult, adult.relation, quality, restriction=restriction)
            else:
                edge(child, adult, adult.relation, "strong", support="Safety network member")
        for older, younger in itertools.pairwise(children):
            edge(younger, older, "SIB", _pick(rng, [("strong", 3), ("conflicted", 1)]))
        # A looked-after child's school, nursery and GP are near the placement.
        area = h.placement_home["town"] if h.placement_home else h.area
        say = Say(area=area)
        for child in children[:2]:
            age = _age(child.born, self.today)
            if age >= 4:
                kind = ("TEACHER", (h.school, "school"))
                support = "Designated safeguarding lead" if rng.random() < 0.5 else None
                quality = _pick(rng, [("strong", 3), ("tenuous", 2), ("stressful", 1)])
                edge(
                    child,
                    None,
                    kind[0],
                    quality,
                    organisation=kind[1],
                    support=support,
                    account="professional",
                )
            elif age >= 2:
                edge(
                    child,
                    None,
                    "NURSERY",
                    "strong",
                    organisation=(NURSERY.format_map(say), "nursery"),
                )
            else:
                edge(
                    child,
                    None,
                    "HLTHVIS",
                    "strong",
                    organisation=(HEALTH_VISITING.format_map(say), "health"),
                    account="professional",
                )
        extras = [("GP", (rng.choice(GP_PRACTICES).format_map(say), "gp"))]
        if h.faith:
            extras.append(("FAITH", (h.faith, "faith")))
        if any(_age(child.born, self.today) >= 7 for child in children):
            extras.append(("YOUTH", (rng.choice(YOUTH_GROUPS).format_map(say), "community")))
        rng.shuffle(extras)
        for type_, organisation in extras:
            edge(
                rng.choice(children),
                None,
                type_,
                _pick(rng, [("strong", 2), ("tenuous", 1)]),
                organisation=organisation,
            )
        wanted = rng.randint(3, 8)
        # Room for the foster carers, drawn when the placement starts (``placement``).
        room = 8 - len(self.foster_edges(h))
        # The carer edges come first so every map shows who the children live with.
        for row in edges[: max(wanted - (8 - room), len(children))][:room]:
            self.record(Relationship, at, first, family_id=h.id, **row)

    @staticmethod
    def foster_edges(h: Household) -> list[tuple[Member, Member]]:
        """Return (child, foster carer): every child to the first carer, the eldest to both."""
        pairs = [(child, h.foster_carers[0]) for child in h.children] if h.foster_carers else []
        pairs += [(h.children[0], carer) for carer in h.foster_carers[1:]]
        return pairs

    def placement(self, h: Household, episodes: dict[uuid.UUID, uuid.UUID]) -> None:
        """Record the foster carers and where they live, from the day the placement began.

        The carers' home is the children's placement address: kept only in the
        confidential placement address table, never on a device or in an export.
        """
        assert h.placement_start is not None and h.placement_home is not None
        worker = h.worker_on(h.placement_start)
        at = _at(h.placement_start, 15, h.rng.randint(0, 59))
        for carer in h.foster_carers:
            self.person_rows(h, carer, at, worker, "English", False, member=False)
        for child, carer in self.foster_edges(h):
            self.record(
                Relationship,
                at,
                worker,
                family_id=h.id,
                from_person_id=child.id,
                to_person_id=carer.id,
                to_organisation=None,
                organisation_kind=None,
                type="FSTPRN",
                quality="strong",
                support_role="Foster carer",
                contact_restrictions=None,
                valid_from=max(h.placement_start, child.born),
                valid_to=None,
                account_of="professional",
            )
        for child in h.children:
            episode = episodes[child.id]
            if h.placement_start > h.opened and h.earlier_placement_home:
                # The placement before the move: the first address recorded.
                self.add(
                    PlacementAddress,
                    {
                        "id": new_id(),
                        "episode_id": episode,
                        "address": _placement_line(h.earlier_placement_home),
                        "recorded_at": _at(max(h.opened, child.born), 15),
                        "recorded_by_id": h.worker_on(h.opened).id,
                    },
                )
            self.add(
                PlacementAddress,
                {
                    "id": new_id(),
                    "episode_id": episode,
                    "address": _placement_line(h.placement_home),
                    "recorded_at": at,
                    "recorded_by_id": worker.id,
                },
            )

    # --- who works with the family ---

    def assignments(self, h: Household, current: Worker) -> None:
        """Lay out who held the family: sometimes earlier workers, then today's worker."""
        rng = h.rng
        span = (self.today - h.opened).days
        changes = 0
        if rng.random() < 0.3 and span >= 150:
            changes = min(_pick(rng, [(1, 6), (2, 3), (3, 1)]), span // 120)
        cuts = sorted(rng.sample(range(60, span - 30), changes)) if changes else []
        handovers = sorted({_weekday(h.opened + timedelta(days=cut)) for cut in cuts})
        handovers = [day for day in handovers if day < self.today]
        chain: list[tuple[Worker, str | None]] = [(current, None)]
        for _ in handovers:
            following = chain[0][0]
            reason = _pick(rng, HANDOVER_REASONS)
            if reason == "worker_left" and self.staff.leavers(h.team):
                pool = self.staff.leavers(h.team)
            elif reason == "team_change":
                other_team = rng.choice([t for t in TEAMS if t != h.team])
                pool = self.staff.caseworkers(other_team)
            else:
                pool = self.staff.caseworkers(h.team)
            pool = [w for w in pool if w.id != following.id] or self.staff.caseworkers(h.team)
            chain.insert(0, (rng.choice(pool), reason))
        starts = [h.opened, *handovers]
        h.periods = [(start, worker) for start, (worker, _) in zip(starts, chain, strict=True)]
        h.assignments = [
            (start, starts[i + 1] if i + 1 < len(starts) else None, worker, reason)
            for i, (start, (worker, reason)) in enumerate(zip(starts, chain, strict=True))
        ]

    def assignment_rows(self, h: Household) -> None:
        for start, end, worker, reason in h.assignments:
            supervisor = self.staff.supervisor(worker.team)
            # Allocated after the family was opened that morning.
            at = _at(start, 10, h.rng.randint(0, 59))
            note = None
            if end is not None:
                say = h.say(end)
                note = (
                    h.rng.choice(HANDOVER_OPENINGS)
                    + h.rng.choice(HANDOVER_MIDDLES)
                    + h.rng.choice(HANDOVER_ENDINGS)
                ).format_map(say)
            row = self.record(
                Assignment,
                at,
                supervisor,
                family_id=h.id,
                worker_id=worker.id,
                role="allocated_worker",
                started_on=start,
                ended_on=end,
                change_reason=reason if end is not None else None,
                handover_note=note,
            )
            if end is not None:
                row["updated_at"] = _at(end, 9)

    # --- plans, conferences and the timeline of work ---

    def plan(self, h: Household) -> None:
        """Put the children on their plan, and lay out the visits it brings."""
        rng = h.rng
        span = (self.today - h.opened).days
        h.plan_type = PLAN_OF_LEVEL[h.level]
        if h.level == "child_in_care":
            h.plan_start = h.opened
            # Some children moved placement since they became looked after.
            moved = span > 120 and rng.random() < 0.3
            h.placement_start = (
                _weekday(h.opened + timedelta(days=rng.randint(60, span - 30)))
                if moved
                else h.opened
            )
        elif h.level == "child_protection":
            h.plan_start = _weekday(h.opened + timedelta(days=rng.randint(0, span // 2)))
            h.cp_category = _pick(rng, CP_CATEGORIES)
        elif h.level == "child_in_need":
            h.plan_start = h.opened
        h.visits.append(Visit(h.opened, "first", mode="home_visit"))
        self.regular_visits(h)
        visits = VISIT_TIMESCALE_OF_PLAN.get(h.plan_type)
        if visits is not None:
            key = {
                "child_protection": "statutory_visit",
                "child_in_need": "child_in_need_visit",
                "looked_after": "looked_after_visit",
            }[h.plan_type]
            self.timed_visits(h, "statutory_visit", key, visits, late=0.1)
        if h.level == "child_protection" and h.plan_start is not None:
            self.timed_visits(h, "core_group", "core_group", CORE_GROUP_TIMESCALE, late=0.05)
            h.visits.append(Visit(h.plan_start, "child_protection_conference", mode="office"))
            review = h.plan_start + timedelta(days=90)
            while review < self.today:
                h.visits.append(
                    Visit(_weekday(review), "child_protection_conference", mode="office")
                )
                review += timedelta(days=182)
        if h.level == "child_in_care":
            self.timed_visits(
                h, "review", "looked_after_review", LOOKED_AFTER_REVIEW_TIMESCALE, late=0.05
            )

    def episodes(self, h: Household) -> None:
        """Record each child's plan episodes: the plan now, and a child in need plan before it."""
        if h.plan_type is None:
            return
        start = h.plan_start or h.opened
        running: dict[uuid.UUID, uuid.UUID] = {}
        for child in h.children:
            began = max(start, child.born)
            if h.level == "child_protection" and child.born < start and start > h.opened:
                before = max(h.opened, child.born)
                self.record(
                    PlanEpisode,
                    _at(before, 16),
                    h.worker_on(before),
                    family_id=h.id,
                    person_id=child.id,
                    plan_type="child_in_need",
                    cp_category=None,
                    initial_conference_on=None,
                    legal_status=None,
                    placement_started_on=None,
                    placement_type=None,
                    started_on=before,
                    ended_on=start,
                    end_reason="stepped_up",
                )["updated_at"] = _at(start, 17)
            looked_after = h.plan_type == "looked_after"
            running[child.id] = self.record(
                PlanEpisode,
                _at(began, 16),
                h.worker_on(began),
                family_id=h.id,
                person_id=child.id,
                plan_type=h.plan_type,
                cp_category=h.cp_category,
                # The initial conference that made the plan, on the day it began.
                initial_conference_on=began if h.plan_type == "child_protection" else None,
                legal_status=h.legal_status,
                placement_started_on=(
                    max(h.placement_start, child.born)
                    if looked_after and h.placement_start
                    else None
                ),
                placement_type=h.placement_type if looked_after else None,
                started_on=began,
                ended_on=None,
                end_reason=None,
            )["id"]
        if h.foster_carers:
            self.placement(h, running)

    def strategy_discussion(self, h: Household) -> None:
        """Record the strategy discussion behind a child protection plan, and two others.

        A child protection plan began at an initial child protection conference
        (ICPC), held within 15 working days of the strategy discussion that
        started the section 47 enquiry. One child in need family has an enquiry
        whose ICPC is due soon (the team view shows it); one early help family's
        discussion ended in no further action.
        """
        rng = self.strategy_rng
        if h.level == "child_protection" and h.plan_start is not None:
            held = h.plan_start
            day = _working_days_before(held, rng.randint(6, 13))
            if day < h.opened or day >= held:
                return
            decision = "single_agency_s47" if h.cp_category == "NEG" else "joint_s47"
        elif h.level == "child_in_need" and self.strategy_examples["icpc_due_soon"]:
            held, decision = None, "joint_s47"
            day = _working_days_before(self.today, 5)
            if day < h.opened:
                return
            self.strategy_examples["icpc_due_soon"] -= 1
        elif h.level == "early_help" and self.strategy_examples["no_further_action"]:
            held, decision = None, "no_further_action"
            day = _weekday(h.opened + timedelta(days=rng.randint(10, 40)))
            if day >= self.today:
                return
            self.strategy_examples["no_further_action"] -= 1
        else:
            return
        worker = h.worker_on(day)
        children = [child for child in h.children if child.born <= day] or h.children[:1]
        child = children[0]
        at = _at(day, rng.randint(9, 15), rng.choice((0, 15, 30, 45)))
        participants = [
            {
                "name": worker.name,
                "role": "Allocated social worker",
                "agency": "childrens_social_care",
            },
            {
                "name": rng.choice(STRATEGY_POLICE),
                "role": "Child abuse investigation team",
                "agency": "police",
            },
            {
                "name": rng.choice(STRATEGY_HEALTH),
                "role": "Health visitor" if _age(child.born, day) < 5 else "School nurse",
                "agency": "health",
            },
        ]
        if _age(child.born, day) >= 4:
            participants.append(
                {
                    "name": rng.choice(STRATEGY_EDUCATION),
                    "role": f"Designated safeguarding lead, {h.school}",
                    "agency": "education",
                }
            )
        shared = rng.choice(STRATEGY_INFORMATION).format(child=child.called, school=h.school)
        started = day if decision != "no_further_action" else None
        signed = at + timedelta(minutes=rng.randint(40, 120))
        self.record(
            StrategyDiscussion,
            signed,
            worker,
            family_id=h.id,
            discussed_at=at,
            participants=participants,
            child_ids=[str(c.id) for c in children],
            information_shared=shared,
            decision=decision,
            s47_started_on=started,
            icpc_due_on=icpc_due(started) if started else None,
            icpc_held_on=held,
            state="signed",
            signed_at=signed,
        )

    def leave_a_gap(self, h: Household, worker: Worker) -> None:
        """Leave one of the council's few statutory gaps in this family, if it has one to leave."""
        for owner in (worker.username, h.team):
            waiting = self.gaps_to_leave.get(owner, [])
            for gap in list(waiting):
                if self.gap(h, gap):
                    waiting.remove(gap)
                    return

    def _statutory_visits(self, h: Household) -> list[Visit]:
        return sorted(
            (v for v in h.visits if v.purpose == "statutory_visit" and v.template),
            key=lambda v: v.day,
        )

    def gap(self, h: Household, kind: str) -> bool:
        """Make one recognisable gap; return False if this family cannot show it."""
        timescale = VISIT_TIMESCALE_OF_PLAN.get(h.plan_type or "")
        visits = self._statutory_visits(h)
        if timescale is None or len(visits) < 3:
            return False
        rule = TimescaleRule.parse(timescale)
        soon = self.today - timedelta(days=1)
        if kind == "no_access" and h.plan_type == "child_protection":
            # The last visit did not happen: nobody was home yesterday.
            due = self.household_due(h, rule, visits[:-1])
            attempt = _weekday_before(soon)
            if due is None or not visits[-2].day < due <= attempt or attempt <= visits[-2].day:
                return False
            h.visits.remove(visits[-1])
            h.visits.append(Visit(attempt, "statutory_visit", mode="home_visit", no_access=True))
            return True
        if kind == "away_from_home" and h.plan_type in ("child_protection", "child_in_need"):
            # One child was away at the last visit (or two): the others were seen.
            older = [c for c in h.children if _age(c.born, self.today) >= 5]
            if len(h.children) < 2 or not older:
                return False
            child = older[0]
            for count in (1, 2):
                h.absent[child.id] = {v.day for v in visits[-count:]}
                seen = [v.day for v in visits if v.day not in h.absent[child.id]]
                due = child_visit_due(rule, self.episode_of(h, child), seen)
                if due is not None and due < soon:
                    return True
            del h.absent[child.id]
            return False
        if kind == "new_placement" and h.plan_type == "looked_after" and len(h.children) == 1:
            # A placement that moved nine days ago, and no visit in it yet.
            h.placement_start = _weekday_before(self.today - timedelta(days=9))
            h.visits = [
                v
                for v in h.visits
                if not (v.purpose == "statutory_visit" and v.day >= h.placement_start)
            ]
            return True
        return False

    def regular_visits(self, h: Household) -> None:
        rng = h.rng
        # Some families are seen often, some are drifting: both show in the team view.
        gap = rng.uniform(7, 28)
        day = h.opened
        while True:
            step = max(2.0, rng.gauss(gap, gap * 0.35))
            if h.plan_start is not None and day >= h.plan_start:
                step *= 1.8  # statutory visits carry much of the contact
            day = _weekday(day + timedelta(days=round(step)))
            if day >= self.today:
                break
            h.visits.append(Visit(day, "regular"))

    def episode_of(self, h: Household, child: Member) -> Episode | None:
        """Return a child's running plan episode as timescales read it (None: no plan)."""
        if h.plan_type is None or h.plan_start is None:
            return None
        return Episode(
            plan_type=h.plan_type,
            started_on=max(h.plan_start, child.born),
            placement_started_on=(
                max(h.placement_start, child.born) if h.placement_start else None
            ),
            placement_type=h.placement_type,
        )

    def household_due(self, h: Household, rule: TimescaleRule, visits: list[Visit]) -> date | None:
        """Return the soonest due of the household's children under a rule, after these visits."""
        dues = []
        for child in h.children:
            episode = self.episode_of(h, child)
            days = [
                visit.day
                for visit in visits
                if not visit.no_access
                and child.born <= visit.day
                and (not rule.child_seen or visit.day not in h.absent.get(child.id, set()))
            ]
            due = child_visit_due(rule, episode, days)
            if due is not None:
                dues.append(due)
        return min(dues, default=None)

    def timed_visits(
        self, h: Household, purpose: str, key: str, timescale: dict[str, Any], *, late: float
    ) -> None:
        """Add visits that keep to a timescale: mostly a little early, sometimes late.

        Late visits are history: near today every visit is on time, so what is
        overdue now is only what the council chose to show (``overdue_by_design``).
        """
        rng, rule = h.rng, TimescaleRule.parse(timescale)
        made: list[Visit] = []
        while True:
            due = self.household_due(h, rule, made)
            if due is None:
                break
            day = _weekday_before(due - timedelta(days=rng.randint(0, 4)))
            if rng.random() < late:
                day = _weekday(due + timedelta(days=rng.randint(1, 6)))
                if day >= self.today:
                    day = _weekday_before(due)
            if made and day <= made[-1].day:
                day = _weekday(made[-1].day + timedelta(days=1))
            if day >= self.today:
                if due >= self.today:
                    break
                # Due already: the visit was made, a little late, before today.
                day = _weekday_before(self.today - timedelta(days=1))
                if made and day <= made[-1].day:
                    break
            visit = Visit(day, purpose, due=due, template=key, mode=TIMED_MODES.get(purpose))
            h.visits.append(visit)
            made.append(visit)

    def conference(self, h: Household) -> None:
        """Add a family group conference, its stages and the family's plan."""
        rng = h.rng
        latest = (self.today - h.opened).days - 60
        if latest < 30:
            return
        referred = _weekday(h.opened + timedelta(days=rng.randint(30, latest)))
        preparation = _weekday(referred + timedelta(days=rng.randint(5, 10)))
        meeting = _weekday(preparation + timedelta(days=rng.randint(14, 28)))
        review = _weekday(meeting + timedelta(days=rng.randint(42, 84)))
        reviewed = review < self.today
        worker = h.worker_on(referred)
        coordinators = [w for w in self.staff.caseworkers(h.team) if w.id != worker.id]
        coordinator = rng.choice(coordinators or [worker])
        say = h.say(meeting)
        in_care = h.level == "child_in_care"
        reasons = [r for r in CONFERENCE_REASONS if ("foster" in r) == in_care]
        family_names = [
            {"name": f"{m.given} {m.surname}", "person_id": str(m.id), "role": m.role}
            for m in h.adults
        ]
        network = [
            {"name": f"Class teacher, {h.school}", "person_id": None, "role": "school"},
            {
                "name": f"{rng.choice(WHITE_BRITISH.women)} (neighbour)",
                "person_id": None,
                "role": "friend",
            },
        ]
        invited = [*family_names, *network]
        attending = family_names + network[: rng.randint(0, 2)]
        conference = self.record(
            Conference,
            _at(referred, 14),
            coordinator,
            family_id=h.id,
            referral={
                "referrer": f"{worker.name}, allocated worker",
                "reason": rng.choice(reasons).format_map(say),
                "questions": [q.format_map(say) for q in rng.sample(CONFERENCE_QUESTIONS, 3)],
                "bottom_lines": [b.format_map(say) for b in rng.sample(BOTTOM_LINES, 2)],
            },
            referred_on=referred,
            coordinator_id=coordinator.id,
            child_advocate=f"{rng.choice(ADVOCATES)} (independent advocate)",
            invited=invited,
            attending=attending,
            preparation_on=preparation,
            information_sharing_on=meeting,
            private_family_time_on=meeting,
            plan_agreed_on=meeting,
            review_on=review,
            status="reviewed" if reviewed else "held",
            outcome=rng.choice(CONFERENCE_OUTCOMES).format_map(say),
        )
        conference["updated_at"] = _at(review if reviewed else meeting, 17)
        for task, who in rng.sample(PLAN_TASKS, rng.randint(3, 6)):
            if reviewed:
                status = _pick(
                    rng, [("done", 6), ("on_track", 2), ("off_track", 1.5), ("not_started", 0.5)]
                )
            else:
                status = _pick(rng, [("done", 2), ("on_track", 4), ("not_started", 2)])
            self.record(
                PlanAction,
                _at(meeting, 16),
                coordinator,
                family_id=h.id,
                conference_id=conference["id"],
                task=task.format_map(say),
                who=who.format_map(say),
                due_on=meeting + timedelta(weeks=rng.randint(2, 10)),
                checked_by=rng.choice(
                    [f"{say['elder']} (family)", "Allocated worker", coordinator.name]
                ),
                status=status,
            )
        h.visits.append(Visit(meeting, "family_group_conference", mode="community"))
        if reviewed:
            h.visits.append(Visit(review, "family_group_conference", mode="community"))

    def work(self, h: Household) -> None:
        """Write every interaction with its note, decisions, checklist and supervision."""
        self.assignment_rows(h)
        order = {"statutory_visit": 0, "core_group": 1}
        visits = sorted(h.visits, key=lambda v: (v.day, order.get(v.purpose, 2)))
        seen_days: set[tuple[date, str]] = set()
        for visit in visits:
            if visit.day >= self.today:
                continue
            # A statutory visit or core group that day already is the contact.
            if visit.purpose == "regular" and any(
                (visit.day, purpose) in seen_days for purpose in ("statutory_visit", "core_group")
            ):
                continue
            seen_days.add((visit.day, visit.purpose))
            self.interaction(h, visit)

    def interaction(self, h: Household, visit: Visit) -> None:
        rng = h.rng
        worker = h.worker_on(visit.day)
        purpose, mode = visit.purpose, visit.mode
        if purpose == "regular":
            purpose = _pick(rng, REGULAR_PURPOSES[h.level])
            mode = _pick(rng, REGULAR_MODES)
            if purpose == "family_time":
                mode = _pick(rng, [("community", 3), ("office", 2)])
            elif purpose == "review" and mode not in ("home_visit", "office", "community"):
                mode = "home_visit"  # a plan is reviewed face to face
        elif purpose == "statutory_visit":
            mode = _pick(rng, [("home_visit", 17), ("school", 2), ("community", 1)])
            if h.in_care and mode == "community":
                mode = "home_visit"  # a looked-after child is visited where they live
            if visit.no_access or any(_age(c.born, visit.day) < 4 for c in h.children):
                mode = "home_visit"  # every child on the plan is seen, the youngest at home
        elif purpose == "core_group":
            mode = _pick(rng, [("office", 3), ("video", 2)])
        mode = mode or "home_visit"
        if mode == "school" and not any(_age(c.born, visit.day) >= 4 for c in h.children):
            mode = "home_visit"
        at = self.start_of(rng, visit.day, purpose, mode)
        low, high = DURATIONS.get(mode, (0, 0))
        duration: int | None = rng.randint(low, high) if high else None
        if purpose in ("core_group", "child_protection_conference"):
            duration = rng.randint(60, 120)
        elif purpose == "family_group_conference":
            duration = rng.randint(180, 300)
        participants = [] if visit.no_access else self.participants(h, visit.day, mode, purpose)
        meaningful = mode != "message" and (mode != "phone" or (duration or 0) >= 10)
        stored_purpose = "direct_work" if purpose == "first" else purpose
        interaction = self.record(
            Interaction,
            at,
            worker,
            family_id=h.id,
            occurred_at=at,
            duration_minutes=duration,
            mode=mode,
            purpose=stored_purpose,
            announced=rng.random() < (0.8 if purpose == "statutory_visit" else 0.95),
            meaningful=meaningful,
            participants=participants,
        )
        written = at + timedelta(minutes=(duration or 10) + rng.randint(20, 90))
        if not _in_working_hours(written) and rng.random() < 0.7:
            written = _working_moment(rng, written)  # written up the next morning
        written = min(written, self.now - timedelta(minutes=1))
        if visit.no_access:
            self.no_access_note(h, interaction, worker, written)
            return
        # A visit that left a child unseen is always written up: it is why a check is late.
        away = any(visit.day in days for days in h.absent.values())
        if mode != "message" and (rng.random() < 0.93 or away):
            self.note(h, interaction, worker, written, purpose, participants)
        if mode != "message" and rng.random() < 0.19:
            self.judgment(h, interaction, worker, written)
        if purpose in ("statutory_visit", "core_group") and visit.due is not None:
            self.checklist(h, interaction, worker, visit, mode, participants, written)

    @staticmethod
    def start_of(rng: random.Random, day: date, purpose: str, mode: str) -> datetime:
        """Return when a contact began: in the working day, now and then early evening."""
        if purpose == "first":
            return _at(day, 14, rng.choice((0, 15, 30)))  # the afternoon the family was opened
        if mode == "school":
            low, high = 9 * 60 + 30, 14 * 60 + 30  # school hours
        elif purpose == "family_time":
            low, high = 15 * 60 + 30, 16 * 60 + 30  # after school
        elif mode in ("home_visit", "phone") and rng.random() < 0.06:
            # So a parent back from work, or the children back from school, can be there.
            low, high = 17 * 60, 18 * 60
        else:
            low, high = 9 * 60, 16 * 60 + 30
        minutes = rng.randrange(low, high + 1, 5)
        return _at(day, minutes // 60, minutes % 60)

    def participants(self, h: Household, day: date, mode: str, purpose: str) -> list[Row]:
        rng = h.rng
        rows: list[Row] = []
        if mode == "message":
            return rows
        children = [c for c in h.children if c.born <= day]
        in_person = mode in ("home_visit", "community", "office")
        meeting = purpose in (
            "core_group",
            "child_protection_conference",
            "review",
            "family_group_conference",
        )
        # A looked-after child is visited at the foster home: the parents are not there,
        # and the foster carers, not members of this family, are named in the note.
        at_placement = mode == "home_visit" and h.in_care
        if mode != "school" and not at_placement:
            rows.append(self.participant(h.carer, present=True, spoken_to=True))
            for adult in h.adults[1:]:
                if in_person and rng.random() < (0.7 if meeting else 0.35):
                    rows.append(self.participant(adult, present=True, spoken_to=True))
        for child in children:
            age = _age(child.born, day)
            if mode == "school":
                statutory = purpose == "statutory_visit"
                if age < 4 or (not statutory and rows and rng.random() < 0.4):
                    continue
                rows.append(
                    self.participant(
                        child,
                        present=True,
                        seen=True,
                        seen_alone=rng.random() < (0.9 if statutory else 0.7),
                        spoken_to=True,
                    )
                )
            elif purpose == "family_time":
                rows.append(self.participant(child, present=True, seen=True, spoken_to=age >= 3))
            elif meeting:
                if age >= 10 and rng.random() < 0.4:
                    rows.append(self.participant(child, present=True, seen=True, spoken_to=True))
            elif in_person:
                statutory = purpose in ("statutory_visit", "first")
                if not statutory and rng.random() < 0.3:
                    continue
                if statutory and day in h.absent.get(child.id, set()):
                    continue  # away that day: the gap is recorded in the checklist and note
                seen = True
                alone = seen and age >= 4 and rng.random() < (0.9 if statutory else 0.25)
                rows.append(
                    self.participant(
                        child, present=True, seen=seen, seen_alone=alone, spoken_to=age >= 3
                    )
                )
            elif mode == "video" and age >= 5 and rng.random() < 0.5:
                rows.append(self.participant(child, present=True, spoken_to=True))
        return rows

    @staticmethod
    def participant(
        member: Member,
        *,
        present: bool,
        seen: bool = False,
        seen_alone: bool = False,
        spoken_to: bool = False,
    ) -> Row:
        return {
            "person_id": str(member.id),
            "present": present,
            "seen": seen,
            "seen_alone": seen_alone,
            "spoken_to": spoken_to,
        }

    def note(
        self,
        h: Household,
        interaction: Row,
        worker: Worker,
        written: datetime,
        purpose: str,
        participants: list[Row],
    ) -> None:
        rng = h.rng
        sections = self.note_sections(h, interaction, purpose, participants)
        say = h.say(interaction["occurred_at"].date())
        signed_at: datetime | None = written
        if rng.random() < 0.5:  # signed later, at a desk
            signed_at = _working_moment(rng, written, days=rng.choice((0, 0, 1, 2)))
        day = _local(interaction["occurred_at"]).date()
        recent = (self.today - day).days <= 10
        if (recent and rng.random() < 0.5) or (signed_at and signed_at >= self.now):
            signed_at = None
        note = self.record(
            Note,
            written,
            worker,
            family_id=h.id,
            interaction_id=interaction["id"],
            sections=sections,
            state="signed" if signed_at else "draft",
            signed_at=signed_at,
            review_status="not_reviewed",
        )
        note["updated_at"] = signed_at or written
        if signed_at and rng.random() < 0.2:
            self.supervision(h, note, worker, signed_at, say)

    def note_sections(
        self, h: Household, interaction: Row, purpose: str, participants: list[Row]
    ) -> dict[str, str]:
        """Write a note that agrees with its visit: where it was, who was seen, how long.

        A short call gets a line or two; a visit gets every section. Only what the
        worker saw is described, and a child says only what their life makes true.
        """
        rng = h.rng
        mode, duration = interaction["mode"], interaction["duration_minutes"] or 0
        day = _local(interaction["occurred_at"]).date()
        say = h.say(day)
        say["weekday"] = rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))
        by_id = {p["person_id"]: p for p in participants}
        seen = [c for c in h.children if by_id.get(str(c.id), {}).get("seen")]
        spoken = [c for c in h.children if by_id.get(str(c.id), {}).get("spoken_to")]
        where = ("foster_home" if h.in_care else "home") if mode == "home_visit" else mode
        # The child the note is about: one who was seen (one old enough to talk, if any).
        older = [c for c in seen if _age(c.born, day) >= 4]
        child: Member | None = rng.choice(older or seen) if seen else None
        if child is None and spoken:
            child = spoken[0]
        if child is not None:
            say["child"] = child.called
        alone = child is not None and by_id[str(child.id)].get("seen_alone", False)

        options = OPENINGS.get(purpose, {})
        texts = (options.get(f"{where}_care") if h.in_care else None) or options.get(where)
        if purpose == "direct_work" and where not in ("phone", "video") and not older:
            texts = OPENINGS["direct_work"]["adult"]  # no child old enough: work with the parent
        if not texts:
            if mode == "phone":
                texts = PHONE_CALLS
            elif mode == "video":
                texts = VIDEO_CALLS_WITH_CHILD if spoken else VIDEO_CALLS
            else:
                texts = OPENINGS["direct_work"]["adult"]
        happened = rng.choice(_fitting(texts, _local(interaction["occurred_at"])))
        in_person = mode in ("home_visit", "community", "office", "school")
        if in_person and child is not None and _age(child.born, day) >= 4:
            if alone:
                happened += rng.choice(SEEN_ALONE)
            elif purpose == "statutory_visit" and mode != "school":
                happened += rng.choice(NOT_SEEN_ALONE)
        away = [c for c in h.children if day in h.absent.get(c.id, set())]
        if away:
            happened += (
                f" {away[0].called} was staying with {say['elder']} this week, so I did not "
                f"see {away[0].called}; I have asked school if I can see them there on Monday."
            )
        if where == "home" and duration >= 40:
            happened += rng.choice(HOME_DETAILS)

        if mode in ("phone", "video") and duration < 20:
            # A short call: what it was about and what happens next, as a worker writes it.
            return {
                "what_happened": _sentence(happened.format_map(say)),
                "child_voice": "",
                "family_view": "",
                "strengths": "",
                "reflection": "",
                "next_steps": rng.choice(SHORT_NEXT_STEPS).format_map(say),
            }
        if child is not None and child in seen:
            age = _age(child.born, day)
            if age < 2:
                voices = BABY_VOICE
            elif age < 4:
                voices = TODDLER_VOICE
            else:
                voices = [*CHILD_VOICE, *(CARE_VOICE if h.in_care else HOME_VOICE), DRAWN_VOICE]
        elif child is not None and mode == "video":
            voices = VIDEO_VOICE
        elif purpose in ("core_group", "child_protection_conference", "review") and in_person:
            voices = MEETING_VOICE
        elif mode == "phone":
            voices = [""]  # the child was not part of the call
        else:
            voices = NOT_SEEN_VOICE
        if where == "foster_home":
            views, strengths = CARER_VIEW, CARER_STRENGTHS
            reflections = list(CARER_REFLECTION)
        else:
            views, strengths = FAMILY_VIEW, list(STRENGTHS)
            reflections = list(REFLECTION)
            if where == "home":
                strengths += HOME_STRENGTHS
            if h.faith:
                strengths += FAITH_STRENGTHS
        if older:
            reflections += SEEN_REFLECTION
        if alone:
            reflections += ALONE_REFLECTION
        return {
            "what_happened": _sentence(happened.format_map(say)),
            "child_voice": _sentence(rng.choice(voices).format_map(say)),
            "family_view": _sentence(rng.choice(views).format_map(say)),
            "strengths": _sentence(rng.choice(strengths).format_map(say)) if in_person else "",
            "reflection": _sentence(rng.choice(reflections).format_map(say)),
            "next_steps": _sentence(rng.choice(NEXT_STEPS).format_map(say)),
        }

    def supervision(
        self, h: Household, note: Row, author: Worker, signed_at: datetime, say: Say
    ) -> None:
        """Add a supervisor's reflective comment or question, and usually the worker's reply."""
        rng = h.rng
        supervisor = self.staff.supervisor(author.team)
        asked = _working_moment(rng, signed_at, days=rng.randint(1, 6))
        if asked >= self.now:
            return
        comment = self.review(
            h,
            supervisor,
            asked,
            target_kind="note",
            target_id=note["id"],
            parent_id=None,
            review_kind=rng.choice(("comment", "question")),
            body=rng.choice(SUPERVISOR_COMMENTS).format_map(say),
        )
        answered = _working_moment(rng, asked, days=rng.randint(0, 4))
        if answered < self.now and rng.random() < 0.85:
            self.review(
                h,
                author,
                answered,
                target_kind="note",
                target_id=note["id"],
                parent_id=comment["id"],
                review_kind="reply",
                body=rng.choice(REPLIES).format_map(say),
            )

    def review(self, h: Household, by: Worker, at: datetime, **values: Any) -> Row:
        return self.record(Review, at, by, family_id=h.id, state="signed", signed_at=at, **values)

    def judgment(self, h: Household, interaction: Row, worker: Worker, written: datetime) -> None:
        rng = h.rng
        day = interaction["occurred_at"].date()
        say = h.say(day)
        categories = [
            (key, weight)
            for key, weight in CATEGORY_WEIGHTS[h.level].items()
            if self.may_decide(h, key, day)
        ]
        category = _pick(rng, categories)
        light = light_for(POLICY, category)
        words = DECISIONS[category]
        # One question, and the decision and rationale that answer it.
        asked = rng.randrange(len(words.questions))
        if category == "change_visit_frequency" and h.plan_type in VISIT_TIMESCALE_OF_PLAN:
            asked = 0  # a child on a plan is never visited less often than it sets
        supervisor = self.staff.supervisor(worker.team)
        signed_at = written if rng.random() < 0.6 else _working_moment(rng, written)
        signed_at = min(signed_at, self.now - timedelta(minutes=1))
        options = [
            {
                "option": option.format_map(say),
                "for": pro.format_map(say),
                "against": con.format_map(say),
            }
            for option, pro, con in rng.sample(
                words.options, min(len(words.options), rng.randint(2, 3))
            )
        ]
        risks = [
            {"risk": risk.format_map(say), "mitigation": mitigation.format_map(say)}
            for risk, mitigation in rng.sample(words.risks, rng.randint(1, len(words.risks)))
        ]
        consulted = [
            {
                "name": h.carer.given + " " + h.carer.surname,
                "role": h.carer.role,
                "view": rng.choice(words.family_views).format_map(say),
            }
        ]
        if light is not Light.GREEN or rng.random() < 0.5:
            consulted.append(
                {
                    "name": supervisor.name,
                    "role": "Team manager",
                    "view": "Agreed the options were the right ones to weigh.",
                }
            )
        if rng.random() < 0.4:
            consulted.append(
                {
                    "name": f"Designated safeguarding lead, {h.school}",
                    "role": "School",
                    "view": "Supportive; will keep an eye on attendance.",
                }
            )
        disagreed: list[Row] = []
        other = h.other()
        if other is not None and rng.random() < 0.15:
            disagreed.append(
                {
                    "name": f"{other.given} {other.surname}",
                    "role": other.role,
                    "view": "Thinks we are interfering and it should be left to the family.",
                }
            )
        status = status_when_signed(light)
        entry_id = new_id()
        decided_by: Worker | None = None
        decided_at: datetime | None = None
        reason: str | None = None
        age = (self.today - day).days
        if light is Light.YELLOW and age >= 14 and rng.random() < 0.9:
            status = JudgmentStatus.DISCUSSED
            discussed_at = _working_moment(rng, signed_at, days=rng.randint(2, 8))
            if discussed_at < self.now:
                self.review(
                    h,
                    supervisor,
                    discussed_at,
                    target_kind="judgment",
                    target_id=entry_id,
                    parent_id=None,
                    review_kind="discussed",
                    body=rng.choice(DISCUSSED).format_map(say),
                )
            else:
                status = JudgmentStatus.AWAITING_DISCUSSION
        elif light is Light.RED and age >= 7:
            approved = rng.random() < 0.85
            decided_at = _working_moment(rng, signed_at, days=rng.randint(0, 2))
            if decided_at < self.now:
                status = JudgmentStatus.APPROVED if approved else JudgmentStatus.DECLINED
                decided_by = supervisor
                reason = rng.choice(APPROVALS if approved else DECLINES)
                self.review(
                    h,
                    supervisor,
                    decided_at,
                    target_kind="judgment",
                    target_id=entry_id,
                    parent_id=None,
                    review_kind="approve" if approved else "decline",
                    body=reason,
                )
            else:
                decided_at = None
        review_date = day + timedelta(weeks=rng.randint(4, 12))
        reviewed_on: date | None = None
        outcome: str | None = None
        if (
            review_date < self.today
            and status is not JudgmentStatus.DECLINED
            and rng.random() < 0.85
        ):
            reviewed_on = min(review_date + timedelta(days=rng.randint(0, 10)), self.today)
            outcome = rng.choice(REVIEW_OUTCOMES).format_map(say)
        entry = self.record(
            Judgment,
            written,
            worker,
            id=entry_id,
            family_id=h.id,
            interaction_id=interaction["id"],
            question=words.questions[asked].format_map(say),
            category=category,
            options=options,
            decision=words.decisions[asked % len(words.decisions)].format_map(say),
            rationale=words.rationales[asked % len(words.rationales)].format_map(say),
            risks=risks,
            consulted=consulted,
            disagreed=disagreed,
            family_view=rng.choice(words.family_views).format_map(say),
            child_view=rng.choice(words.child_views).format_map(say),
            light=light.value,
            policy_version=self.policy_version,
            review_date=review_date,
            state="signed",
            signed_at=signed_at,
            status=status.value,
            decided_by_id=decided_by.id if decided_by else None,
            decided_at=decided_at,
            decision_reason=reason,
            review_outcome=outcome,
            reviewed_on=reviewed_on,
            supervision_discussion_id=None,
        )
        entry["updated_at"] = decided_at or signed_at

    @staticmethod
    def may_decide(h: Household, category: str, day: date) -> bool:
        """Say whether a decision of this category fits what the records show of the family.

        A decision leaves its mark in the records the app keeps: a strategy
        discussion comes before a child protection plan, a placement move before the
        new placement starts. Decisions whose mark the records do not show are not made.
        """
        if category == "child_protection_referral":
            # Only where it led to the plan: in the weeks before it began.
            return (
                h.plan_type == "child_protection"
                and h.plan_start is not None
                and h.plan_start - timedelta(days=42) <= day < h.plan_start
            )
        if category == "placement_move":
            start = h.placement_start
            return (
                start is not None and start > h.opened and start - timedelta(days=42) <= day < start
            )
        if category == "step_down_to_early_help":
            return h.plan_type == "child_in_need"
        return True

    def checklist(
        self,
        h: Household,
        interaction: Row,
        worker: Worker,
        visit: Visit,
        mode: str,
        participants: list[Row],
        written: datetime,
    ) -> None:
        assert visit.due is not None
        assert visit.template is not None  # a timed visit answers its template
        statutory = visit.purpose == "statutory_visit"
        template = self.templates[visit.template]
        # The children the checklist asks about by name: every child of the
        # household born by then (they share the family's plan).
        children = [c for c in h.children if c.born <= visit.day]
        checklist = self.record(
            Checklist,
            written,
            worker,
            family_id=h.id,
            interaction_id=interaction["id"],
            template_id=template,
            purpose=visit.purpose,
            due_on=visit.due,
            completed_on=visit.day,
            timeliness=timeliness(visit.due, visit.day, self.today).value,
            child_ids=[str(c.id) for c in children],
        )
        answers = (
            self.visit_answers(h, visit.day, mode, participants)
            if statutory
            else self.core_group_answers(h, participants, visit.day <= visit.due)
        )
        items = STATUTORY_ITEMS if statutory else CORE_GROUP_ITEMS
        for item in items:
            told = answers[item["key"]]
            each = children if children and asked_of_each_child(item) else [None]
            for child in each:
                answer, reason = told[child.id] if isinstance(told, dict) and child else told
                self.record(
                    ChecklistItem,
                    written,
                    worker,
                    id=checklist_item_id(checklist["id"], item["key"], child.id if child else None),
                    family_id=h.id,
                    checklist_id=checklist["id"],
                    item_key=item["key"],
                    child_id=child.id if child else None,
                    from_visit=item.get("from_visit") if child else None,
                    label=item["label"],
                    answer=answer,
                    reason=reason,
                )

    def visit_answers(
        self, h: Household, day: date, mode: str, participants: list[Row]
    ) -> dict[str, Answer | dict[uuid.UUID, Answer]]:
        """Return a statutory visit's answers: about each child by name, the rest for the visit."""
        rng = h.rng
        by_id = {p["person_id"]: p for p in participants}
        children = [c for c in h.children if c.born <= day]
        old_enough = [c for c in children if _age(c.born, day) >= 4]
        # At school only the children of school age can be seen.
        expected = old_enough if mode == "school" else children
        alone = [c for c in old_enough if by_id.get(str(c.id), {}).get("seen_alone")]
        if not children:
            # A plan made before the baby is born: visits check the home is ready.
            unborn = ("na", ANSWERS["unborn"])
            return {
                "child_seen": unborn,
                "child_seen_alone": unborn,
                "bedroom_seen": ("yes", None)
                if mode == "home_visit"
                else ("na", ANSWERS["not_at_home"]),
                "views_recorded": ("na", ANSWERS["parents_views"]),
                "plan_discussed": ("yes", None),
            }
        # One reason for every child not seen alone, drawn as before answers were per child.
        not_alone = (
            rng.choice(ANSWERS["not_alone"])
            if old_enough and len(alone) != len(old_enough)
            else ANSWERS["not_seen_alone"]
        )
        seen: dict[uuid.UUID, Answer] = {}
        seen_alone: dict[uuid.UUID, Answer] = {}
        views: dict[uuid.UUID, Answer] = {}
        bedroom: Answer = (
            ("na", ANSWERS["visit_not_at_home"])
            if mode != "home_visit"
            else ("yes", None)
            if rng.random() < 0.88
            else ("no", ANSWERS["bedroom_not_seen"])
        )
        late_views: Answer = ("no", ANSWERS["late_views"])
        views_taken: Answer = ("yes", None) if rng.random() < 0.96 else late_views
        for child in children:
            there = by_id.get(str(child.id), {})
            young = _age(child.born, day) < 4
            if there.get("seen"):
                seen[child.id] = ("yes", None)
            elif child not in expected:
                seen[child.id] = ("na", ANSWERS["too_young_for_school"])
            else:
                seen[child.id] = ("no", self.unseen_reason(h, day))
            seen_alone[child.id] = (
                ("na", ANSWERS["too_young_alone"])
                if young
                else ("yes", None)
                if there.get("seen_alone")
                else ("no", not_alone)
            )
            views[child.id] = (
                views_taken
                if there.get("spoken_to")
                else ("na", ANSWERS["too_young_to_say"])
                if _age(child.born, day) < 3
                else ("no", ANSWERS["not_spoken_to"])
            )
        return {
            "child_seen": seen,
            "child_seen_alone": seen_alone,
            "bedroom_seen": bedroom,
            "views_recorded": views,
            "plan_discussed": ("yes", None)
            if rng.random() < 0.9
            else ("no", ANSWERS["plan_not_discussed"]),
        }

    @staticmethod
    def unseen_reason(h: Household, day: date) -> str:
        away = [c for c in h.children if day in h.absent.get(c.id, set())]
        if away:
            return ANSWERS["away"].format(child=away[0].called)
        return ANSWERS["not_all_home"]

    def no_access_note(self, h: Household, interaction: Row, worker: Worker, at: datetime) -> None:
        """Record a statutory visit where nobody answered: a short note, nothing else."""
        day = interaction["occurred_at"].date()
        say = h.say(day)
        self.record(
            Note,
            at,
            worker,
            family_id=h.id,
            interaction_id=interaction["id"],
            sections={name: text.format_map(say) for name, text in NO_ACCESS.items()},
            state="draft",
            signed_at=None,
            review_status="not_reviewed",
        )

    def core_group_answers(
        self, h: Household, participants: list[Row], on_time: bool
    ) -> dict[str, tuple[str, str | None]]:
        rng = h.rng
        carer_there = any(p["person_id"] == str(h.carer.id) for p in participants)
        return {
            "meeting_held": ("yes", None)
            if on_time
            else ("no", CORE_GROUP_ANSWERS["meeting_moved"]),
            "parents_attended": ("yes", None)
            if carer_there
            else ("no", CORE_GROUP_ANSWERS["parents_absent"]),
            "child_views_shared": ("yes", None)
            if rng.random() < 0.9
            else ("no", CORE_GROUP_ANSWERS["child_views_late"]),
            "plan_reviewed": ("yes", None),
            "minutes_circulated": ("yes", None)
            if rng.random() < 0.85
            else ("no", CORE_GROUP_ANSWERS["minutes_late"]),
        }

    # --- staff records ---

    def family_copies(self) -> None:
        """Give three families their own copy of a recent visit, in warm plain words.

        Two were printed and shared (one by hand at the next visit, one by
        post); the third is a draft still using a word the family would not
        (``contact``), which the plain-words check flags before it is shared.
        """
        notes = {
            row["family_id"]: row
            for row in sorted(self.rows.get(Note, []), key=lambda row: row["created_at"])
            if row["state"] == "signed" and (self.now - row["signed_at"]).days <= 40
        }
        chosen = [h for h in self.households if h.id in notes and not h.in_care][:3]
        for index, h in enumerate(chosen):
            note = notes[h.id]
            worker = next(w for w in self.staff.people.values() if w.id == note["created_by_id"])
            day = _local(note["signed_at"]).date()
            say = h.say(day, eldest=True)
            say = Say(say, worker=worker.name.split()[0])
            sections = {
                name: FAMILY_COPY[name].format_map(say)
                for name in ("what_happened", "your_view", "next_steps", "who_does_what")
            }
            made = _working_moment(h.rng, note["signed_at"])
            if index == 2 or made >= self.now:
                sections["next_steps"] = FAMILY_COPY["draft_next_steps"].format_map(say)
                self.record(
                    FamilyCopy,
                    min(made, self.now - timedelta(hours=1)),
                    worker,
                    family_id=h.id,
                    note_id=note["id"],
                    household_ids=[str(member.id) for member in h.members],
                    sections=sections,
                    confirmed=[],
                    shared_with=None,
                    shared_how=None,
                    readability=[],
                    state="draft",
                    signed_at=None,
                )
                continue
            shared = _working_moment(h.rng, made, days=1)
            if shared >= self.now:
                shared = made
            copy = self.record(
                FamilyCopy,
                made,
                worker,
                family_id=h.id,
                note_id=note["id"],
                household_ids=[str(member.id) for member in h.members],
                sections=sections,
                confirmed=[],
                shared_with=f"{h.carer.given} {h.carer.surname}",
                shared_how="by_hand" if index == 0 else "post",
                readability=[],
                state="signed",
                signed_at=shared,
            )
            copy["updated_at"] = shared

    def group_supervision(self) -> None:
        """Hold a monthly group supervision in each team over the last three months."""
        rng = random.Random(self.rng.getrandbits(64))  # noqa: S311  (synthetic data)
        for team in TEAMS:
            supervisor = self.staff.supervisor(team)
            attendees = self.staff.caseworkers(team)[:4]
            held = {w.id for w in attendees}
            families = [
                h for h in self.households if h.team == team and h.periods[-1][1].id in held
            ]
            for months_ago in (3, 2, 1):
                day = _weekday(self.today - timedelta(days=30 * months_ago))
                at = _at(day, 14)
                session = self.record(
                    SupervisionSession,
                    at,
                    supervisor,
                    team_id=self.staff.teams[team],
                    held_at=at,
                    title=rng.choice(GROUP_SUPERVISION_THEMES),
                    facilitator_id=supervisor.id,
                    attendee_ids=[str(w.id) for w in attendees],
                )
                for number, h in enumerate(rng.sample(families, min(2, len(families)))):
                    worker = h.periods[-1][1]
                    question, answer = rng.choice(REFLECTIVE_QUESTIONS)
                    discussion = self.record(
                        SupervisionDiscussion,
                        at,
                        supervisor,
                        family_id=h.id,
                        session_id=session["id"],
                        questions=[{"id": str(new_id()), "question": question, "answer": answer}],
                        actions=[
                            {
                                "id": str(new_id()),
                                "task": rng.choice(GROUP_SUPERVISION_ACTIONS),
                                "owner_id": str(worker.id),
                                "due_on": (day + timedelta(days=14)).isoformat(),
                                "status": "done" if months_ago > 1 else "in_progress",
                            }
                        ],
                    )
                    if months_ago == 1 and number == 0:
                        self.group_decision(h, supervisor, at, discussion)

    def group_decision(
        self, h: Household, supervisor: Worker, at: datetime, discussion: Row
    ) -> None:
        """Record a red decision the group reached, waiting for the approver the policy names."""
        say = h.say(at.date())
        words = GROUP_DECISION
        self.record(
            Judgment,
            at + timedelta(minutes=40),
            supervisor,
            family_id=h.id,
            interaction_id=None,
            supervision_discussion_id=discussion["id"],
            question=words["question"].format_map(say),
            category="safety_plan_change",
            options=[
                {"option": option, "for": good, "against": bad}
                for option, good, bad in words["options"]
            ],
            decision=words["decision"],
            rationale=words["rationale"].format_map(say),
            risks=[{"risk": risk, "mitigation": managed} for risk, managed in words["risks"]],
            consulted=[
                {"name": name, "role": role, "view": view}
                for name, role, view in words["consulted"]
            ],
            disagreed=[],
            family_view=None,
            child_view=None,
            light=Light.RED.value,
            policy_version=self.policy_version,
            review_date=at.date() + timedelta(weeks=6),
            state="signed",
            signed_at=at + timedelta(minutes=40),
            status=JudgmentStatus.AWAITING_APPROVAL.value,
            decided_by_id=None,
            decided_at=None,
            decision_reason=None,
            review_outcome=None,
            reviewed_on=None,
        )

    def verbal_approvals(self) -> None:
        """Show urgent decisions agreed by phone: one since confirmed, one waiting to be.

        The confirmed one is the newest approved strategy discussion (an urgent
        kind of decision; failing one, the newest approved red decision, where
        the worker saw a child at immediate risk): its worker phoned the team
        manager, who agreed, and confirmed it later. The waiting one is the
        newest red decision still awaiting approval, preferably cw.amara's,
        where the worker saw a child at immediate risk and the team manager
        agreed by phone.
        """
        people = {worker.id: worker for worker in self.staff.people.values()}
        visits = [j for j in self.rows.get(Judgment, []) if j["interaction_id"] is not None]
        confirmed = [j for j in visits if j["status"] == JudgmentStatus.APPROVED]
        if confirmed:
            entry = max(confirmed, key=lambda j: (j["category"] in URGENT, j["signed_at"]))
            if entry["category"] not in URGENT:
                entry["immediate_risk"] = True
            self.agreed_by_phone(entry, people[entry["created_by_id"]], entry["decided_by_id"])
        waiting = [j for j in visits if j["status"] == JudgmentStatus.AWAITING_APPROVAL]
        if waiting:
            amara = self.staff.people["cw.amara"].id
            entry = max(waiting, key=lambda j: (j["created_by_id"] == amara, j["signed_at"]))
            worker = people[entry["created_by_id"]]
            if entry["category"] not in URGENT:
                entry["immediate_risk"] = True
            entry["status"] = JudgmentStatus.VERBAL_APPROVAL.value
            self.agreed_by_phone(entry, worker, self.staff.supervisor(worker.team).id)

    def agreed_by_phone(self, entry: Row, worker: Worker, approver_id: uuid.UUID) -> None:
        """Record the worker's note that a manager agreed a decision by phone before signing it."""
        called = entry["signed_at"] - timedelta(minutes=20)
        self.record(
            Review,
            entry["signed_at"] + timedelta(minutes=3),
            worker,
            family_id=entry["family_id"],
            state="signed",
            signed_at=entry["signed_at"] + timedelta(minutes=3),
            target_kind="judgment",
            target_id=entry["id"],
            parent_id=None,
            review_kind="verbal_approval",
            body="Agreed by phone: go ahead now, and record it today.",
            agreed_by_id=approver_id,
            agreed_at=called,
            addressed_to_id=approver_id,
        )

    def asks_to_discuss(self) -> None:
        """Have a few workers ask to talk a recent note through with their supervisor."""
        rng = random.Random(self.rng.getrandbits(64))  # noqa: S311  (synthetic data)
        recent = self.now - timedelta(days=14)
        by_worker: dict[uuid.UUID, list[Row]] = {}
        for note in self.rows.get(Note, []):
            if note["state"] == "signed" and note["signed_at"] and note["signed_at"] > recent:
                by_worker.setdefault(note["created_by_id"], []).append(note)
        for team in TEAMS:
            askers = [w for w in self.staff.caseworkers(team) if by_worker.get(w.id)][:2]
            for worker in askers:
                note = max(by_worker[worker.id], key=lambda row: row["signed_at"])
                asked = min(note["signed_at"] + timedelta(hours=rng.randint(1, 30)), self.now)
                self.record(
                    Review,
                    asked,
                    worker,
                    family_id=note["family_id"],
                    state="signed",
                    signed_at=asked,
                    target_kind="note",
                    target_id=note["id"],
                    parent_id=None,
                    review_kind="ask_to_discuss",
                    body=rng.choice(ASK_TO_DISCUSS),
                )

    def chronologies(self) -> None:
        """Add events workers recorded and a story so far for most families.

        Made last, from a stream of its own, so the rest of the council is the
        same with or without them; the events proposed from other records need
        nothing here.
        """
        rng = random.Random(self.rng.getrandbits(64) ^ 0xC405)  # noqa: S311  (synthetic data)
        for index, h in enumerate(self.households):
            span = (self.today - h.opened).days
            if span < 60 or not h.children:
                continue
            if index < 4 or rng.random() < 0.7:
                self.chronology_entries(rng, h, span)
            if index < 4 or rng.random() < 0.6:
                self.story(rng, h, span)

    def _written(self, rng: random.Random, day: date) -> datetime:
        return _at(_weekday(day), rng.randint(11, 15), rng.randint(0, 59))

    def chronology_entries(self, rng: random.Random, h: Household, span: int) -> None:
        for event, source, impact, about_a_child in rng.sample(
            CHRONOLOGY_ENTRIES, rng.randint(2, 4)
        ):
            day = h.opened + timedelta(days=rng.randint(10, span - 10))
            written = self._written(rng, day + timedelta(days=rng.randint(0, 2)))
            if written >= self.now:
                continue
            say = h.say(day)
            child = next(c for c in h.children if c.called == say["child"])
            self.record(
                ChronologyEntry,
                written,
                h.worker_on(day),
                family_id=h.id,
                occurred_on=day,
                event=event.format_map(say),
                source=source.format_map(say),
                impact=impact.format_map(say),
                child_ids=[str(child.id)] if about_a_child else [],
            )

    def story(self, rng: random.Random, h: Household, span: int) -> None:
        say = h.say(self.today, eldest=True)
        names = [child.called for child in h.children]
        say["children"] = (
            names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        )
        first_day = h.opened + timedelta(days=rng.randint(14, 40))
        first = self.record(
            CaseSummary,
            self._written(rng, first_day),
            h.worker_on(first_day),
            family_id=h.id,
            sections={key: text.format_map(say) for key, text in STORY_FIRST.items()},
            previous_id=None,
        )
        latest_day = self.today - timedelta(days=rng.randint(5, min(60, span - 45)))
        if latest_day <= first_day + timedelta(days=14):
            return
        updated = {**STORY_FIRST, **STORY_UPDATE}
        self.record(
            CaseSummary,
            self._written(rng, latest_day),
            h.worker_on(latest_day),
            family_id=h.id,
            sections={key: text.format_map(say) for key, text in updated.items()},
            previous_id=first["id"],
        )

    def suggestions(self) -> None:
        rng = self.rng
        workers = [
            w
            for w in self.staff.people.values()
            if w.active and w.role in ("caseworker", "supervisor")
        ]
        workers.sort(key=lambda w: w.username)
        for title, body, status, response in SUGGESTIONS:
            author = rng.choice(workers)
            made = _working_moment(rng, self.now - timedelta(days=rng.randint(20, 360)))
            answered_by = (
                self.staff.supervisor(author.team) if rng.random() < 0.6 else self.staff.admin
            )
            self.add(
                Suggestion,
                {
                    "id": new_id(),
                    "title": title,
                    "body": body,
                    "created_at": made,
                    "created_by_id": author.id,
                    "status": status,
                    "response": response,
                    "responded_by_id": answered_by.id if response else None,
                    "responded_at": _working_moment(rng, made, days=rng.randint(3, 10))
                    if response
                    else None,
                },
            )

    def consultations(self) -> None:
        rng = self.rng
        workers = sorted(
            (w for w in self.staff.people.values() if w.active and w.role == "caseworker"),
            key=lambda w: w.username,
        )
        for index, (title, dilemma, replies) in enumerate(CONSULTATIONS):
            # Asked from each team in turn (no asker's key: no demo device asked
            # them), and answered from the other teams, the only ones that see it.
            asked_in = TEAMS[(index + 1) % len(TEAMS)]
            peers = [w for w in workers if w.team != asked_in]
            posted = _working_moment(rng, self.now - timedelta(days=rng.randint(3, 180)))
            consultation = self.add(
                Consultation,
                {
                    "id": new_id(),
                    "title": title,
                    "dilemma": dilemma,
                    "posted_at": posted,
                    "asked_in_team_id": self.staff.teams[asked_in],
                    "asker_key_hash": None,
                    "closed_at": posted + timedelta(days=14)
                    if posted + timedelta(days=14) < self.now
                    else None,
                },
            )
            for number, body in enumerate(replies):
                self.add(
                    ConsultationReply,
                    {
                        "id": new_id(),
                        "consultation_id": consultation["id"],
                        "body": body,
                        "created_at": min(_working_moment(rng, posted, days=number), self.now),
                        "created_by_id": rng.choice(peers).id,
                    },
                )


# Parents before the rows that point at them.
INSERT_ORDER: list[tuple[type[Any], str]] = [
    (DecisionPolicy, "decision_policies"),
    (ChecklistTemplate, "checklist_templates"),
    (Family, "families"),
    (Person, "people"),
    (Membership, "memberships"),
    (PlanEpisode, "plan_episodes"),
    (PlacementAddress, "placement_addresses"),
    (Relationship, "relationships"),
    (Assignment, "assignments"),
    (Interaction, "interactions"),
    (Note, "notes"),
    (SupervisionSession, "supervision_sessions"),
    (SupervisionDiscussion, "supervision_discussions"),
    (Judgment, "judgments"),
    (Checklist, "checklists"),
    (ChecklistItem, "checklist_items"),
    (Review, "reviews"),
    (Conference, "conferences"),
    (PlanAction, "plan_actions"),
    (ChronologyEntry, "chronology_entries"),
    (CaseSummary, "case_summaries"),
    (CaseEpisode, "case_episodes"),
    (FamilyTransfer, "family_transfers"),
    (StrategyDiscussion, "strategy_discussions"),
    (Referral, "referrals"),
    (FamilyCopy, "family_copies"),
    (Suggestion, "suggestions"),
    (Consultation, "consultations"),
    (ConsultationReply, "consultation_replies"),
]


def build_council(
    *, families: int, seed: int, staff: Staff, today: date | None = None, policy_version: int = 1
) -> Rows:
    """Return every row of a synthetic council's work, by table, without writing them."""
    council = _Council(seed, staff, today or clock.today(), policy_version)
    return council.build(families)


def _name_escalation_contact() -> None:
    """Add the head of service and make them every team's escalation contact."""
    username, name = HEAD_OF_SERVICE
    head = accounts.create_user(username, DEMO_PASSWORD, role=Role.SUPERVISOR, display_name=name)
    db.session.flush()
    db.session.execute(
        sa.update(Team).where(Team.name.in_(TEAMS)).values(escalation_contact_id=head.id)
    )


def load_demo_data(*, families: int, seed: int) -> dict[str, int]:
    """Create the demo staff and ``families`` families with years of work; return the counts."""
    staff = _hire_staff()
    _name_escalation_contact()
    latest = db.session.scalar(sa.select(sa.func.max(DecisionPolicy.version))) or 0
    rows = build_council(families=families, seed=seed, staff=staff, policy_version=latest + 1)
    counts = {"teams": len(staff.teams), "users": len(staff.people) + 1}  # and the head
    for model, name in INSERT_ORDER:
        batch = rows.get(model, [])
        if batch:
            # The table rather than the mapped class: the same bulk insert without the
            # ORM's per-row bookkeeping, twice as fast on PostgreSQL. One insert per run
            # of rows with the same columns: a bulk insert takes its columns from the
            # first row, and a few rows (an agreement by phone) set columns others leave out.
            for _columns, run in itertools.groupby(batch, key=frozenset):
                db.session.execute(sa.insert(model.__table__), list(run))
            record_changes(db.session.connection(), feed_rows_for(model, batch))
        counts[name] = len(batch)
    _appoint_practice_lead(staff)
    counts["users"] += 1  # the practice lead
    db.session.add(UrgentContacts(id=1, updated_at=clock.now(), **URGENT_NUMBERS))
    counts["legal_holds"] = _hold_for_care_proceedings()
    db.session.commit()
    return counts


# The practice lead owns the decision policy (docs/security.md): the demo's runs a
# trial in North and gives North's newly qualified worker narrower lights.
PRACTICE_LEAD = ("lead", "Grace Adeyemi", "practice_lead", None)
NEWLY_QUALIFIED = "cw.niamh"


def _appoint_practice_lead(staff: Staff) -> None:
    """Add the practice lead, their running trial for North and North's newly qualified lights."""
    # Imported here so that this part of the demo stays in one place.
    from server.persistence import NewlyQualifiedLights, PolicyTrial

    username, name, role, _team = PRACTICE_LEAD
    lead = accounts.create_user(username, DEMO_PASSWORD, role=Role(role), display_name=name)
    db.session.flush()
    today = clock.today()
    # The lead answers for the policy in force, whoever typed it in years ago.
    db.session.execute(sa.update(DecisionPolicy).values(created_by_id=lead.id))
    north = staff.teams[NORTH]
    started = today - timedelta(days=42)
    db.session.add(
        PolicyTrial(
            team_id=north,
            category="share_information_with_school",
            light=Light.GREEN.value,
            starts_on=started,
            ends_on=add_months(started, 3),
            reason="North asked to decide sharing information with school themselves: "
            "the practice board agreed a three-month trial, then a look at what was decided.",
            created_by_id=lead.id,
        )
    )
    db.session.add(
        NewlyQualifiedLights(
            team_id=north,
            categories=[
                {"key": "routine_support", "light": Light.YELLOW.value},
                {"key": "change_visit_frequency", "light": Light.YELLOW.value},
            ],
            reason="In their first year, North's workers talk these through with a supervisor.",
            updated_at=clock.now(),
            updated_by_id=lead.id,
        )
    )
    db.session.execute(
        sa.update(User)
        .where(User.username == NEWLY_QUALIFIED)
        .values(qualified_on=today - timedelta(days=150))
    )


def _hold_for_care_proceedings() -> int:
    """Put a legal hold on a family with a child on a protection plan or looked after.

    The council has issued care proceedings: whatever the retention schedule
    says later, the family's records are kept until the court's work is done.
    """
    from server.persistence import LegalHold  # this part of the demo stays in one place

    family_id = db.session.scalar(
        sa.select(Family.id)
        .join(PlanEpisode, PlanEpisode.family_id == Family.id)
        .where(PlanEpisode.plan_type.in_(["child_protection", "looked_after"]))
        .order_by(PlanEpisode.ended_on.is_not(None), Family.display_name, Family.id)
        .limit(1)
    )
    lead = db.session.scalar(sa.select(User.id).where(User.username == PRACTICE_LEAD[0]))
    if family_id is None or lead is None:
        return 0
    db.session.add(
        LegalHold(
            family_id=family_id,
            reason="Care proceedings issued: keep every record until the court has finished "
            "and any appeal is over.",
            set_at=clock.now() - timedelta(days=9),
            set_by_id=lead,
        )
    )
    return 1


def sign_in_help() -> str:
    """Return the demo sign-ins to print: accounts, roles and the shared password."""
    lines = ["Demo sign-ins (password for all: " + DEMO_PASSWORD + "):"]
    lines += [
        f"  {role:<13} {username:<10} {name}" + (f", {team}" if team else "")
        for username, name, role, team in DEMO_USERS
    ]
    lines.append(f"  {'practice lead':<13} {PRACTICE_LEAD[0]:<10} {PRACTICE_LEAD[1]}")
    username, name = HEAD_OF_SERVICE
    lines.append(f"  {'supervisor':<13} {username:<10} {name} (escalations from every team)")
    lines.append("  Other workers, same password:")
    for team in TEAMS:
        usernames = [u for u, _, _, t, active in STAFF if t == team and active]
        lines.append(f"    {team}: {', '.join(usernames)}")
    return "\n".join(lines)
