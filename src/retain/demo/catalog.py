"""The demo company's catalogue: plans, features, people, and the words customers use."""

from __future__ import annotations

from dataclasses import dataclass

COMPANY = "Northwind Analytics"


@dataclass(frozen=True)
class Plan:
    """A plan: monthly list price per seat and the seat range its customers buy."""

    key: str
    segment: str
    price: float
    seats: tuple[int, int]
    weight: float


PLANS = (
    Plan("starter", "SMB", 25.0, (3, 10), 0.45),
    Plan("growth", "Mid-Market", 45.0, (8, 25), 0.38),
    Plan("enterprise", "Enterprise", 80.0, (20, 60), 0.17),
)
ADDON = ("insights-addon", 150.0)  # a second subscription some customers add
ANNUAL_DISCOUNT = 0.85  # annual prices are 12 months at 85%

# (event name, display name, key feature, key action, plans that include it, daily use rate)
FEATURES = (
    ("login", "Sign-in", False, False, "", 1.0),
    ("dashboard_viewed", "Dashboards", True, False, "", 0.55),
    ("report_created", "Reports", True, True, "", 0.22),
    ("alert_configured", "Alerts", True, False, "", 0.06),
    ("data_source_connected", "Data sources", True, False, "", 0.03),
    ("export_downloaded", "Exports", False, False, "", 0.12),
    ("comment_added", "Comments", False, False, "", 0.15),
    ("integration_synced", "Integrations", True, False, "", 0.08),
    ("user_invited", "Invitations", False, False, "", 0.02),
    ("filter_saved", "Saved filters", False, False, "", 0.07),
    ("share_link_created", "Sharing", True, False, "", 0.05),
    ("api_called", "API", True, False, "enterprise", 0.10),
    ("workflow_automated", "Workflows", True, False, "growth,enterprise", 0.04),
)

INDUSTRIES = (
    "Software",
    "Retail",
    "Healthcare",
    "Finance",
    "Manufacturing",
    "Education",
    "Logistics",
    "Media",
)
REGIONS = ("North America", "Europe", "APAC", "LATAM")
DATA_REGIONS = {"North America": "us", "Europe": "eu", "APAC": "apac", "LATAM": "us"}
CRMS = ("salesforce", "hubspot", "pipedrive", "none")
NAME_A = (
    "Blue",
    "Bright",
    "Cedar",
    "Clear",
    "Delta",
    "Echo",
    "Granite",
    "Harbor",
    "Iron",
    "Juniper",
    "Keystone",
    "Lumen",
    "Maple",
    "Nova",
    "Orbit",
    "Pioneer",
    "Quartz",
    "River",
    "Summit",
    "Tidal",
    "Union",
    "Vertex",
    "Willow",
    "Zenith",
    "Atlas",
    "Beacon",
    "Copper",
    "Falcon",
    "Horizon",
    "Meridian",
)
NAME_B = (
    "Labs",
    "Systems",
    "Health",
    "Logistics",
    "Retail",
    "Capital",
    "Works",
    "Foods",
    "Learning",
    "Media",
    "Analytics",
    "Partners",
    "Group",
    "Goods",
    "Motors",
    "Energy",
)
FIRST = (
    "Ana",
    "Ben",
    "Chen",
    "Dana",
    "Eli",
    "Fatima",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tomas",
    "Uma",
    "Viktor",
    "Wen",
    "Yara",
    "Zoe",
    "Liam",
    "Mia",
    "Noah",
    "Emma",
    "Arjun",
)
LAST = (
    "Smith",
    "Garcia",
    "Chen",
    "Müller",
    "Okafor",
    "Silva",
    "Kowalski",
    "Nguyen",
    "Patel",
    "Johnson",
    "Rossi",
    "Kim",
    "Haddad",
    "Larsen",
    "Moreau",
    "Tanaka",
    "Brown",
    "Novak",
)
ROLES = (
    "Analyst",
    "Operations Manager",
    "Head of Data",
    "Marketing Lead",
    "Engineer",
    "Finance Manager",
    "VP Operations",
    "Product Manager",
)

CSMS = (
    ("maya", "Maya", "Lindqvist"),
    ("tom", "Tom", "Okoro"),
    ("ines", "Ines", "Duarte"),
    ("raj", "Raj", "Mehta"),
    ("sofia", "Sofia", "Brandt"),
)

MILESTONES = (
    # key, name, target days, go-live, first value
    ("kickoff", "Kickoff call", 7, False, False),
    ("integration", "Data source connected", 21, True, False),
    ("first_report", "First report shared", 30, False, True),
    ("team_invited", "Team invited", 45, False, False),
    ("training", "Admin training", 60, False, False),
)

TICKET_TOPICS = (
    (
        "Dashboard not loading",
        "Our main dashboard spins forever since this morning. {who} cannot "
        "see any numbers. Can you check?",
        "bug",
    ),
    (
        "Export to CSV fails",
        "Every CSV export stops at 99% and the file is empty. We need it for the weekly report.",
        "bug",
    ),
    (
        "How do I schedule a report?",
        "Is there a way to send the sales report every Monday to the whole team?",
        "howto",
    ),
    (
        "Question about our invoice",
        "The last invoice shows more seats than we use. Could you explain the charge?",
        "billing",
    ),
    (
        "Data source sync delayed",
        "Our warehouse sync has been hours behind for two days and the numbers are stale.",
        "bug",
    ),
    (
        "SSO login problem",
        "Users are bounced back to the login page after signing in with SSO.",
        "bug",
    ),
    ("Add more seats?", "We are onboarding a new team. How do we add seats to our plan?", "howto"),
    (
        "Outage: app unavailable",
        "The app returns errors for everyone in our company. This is blocking our month-end close.",
        "outage",
    ),
    (
        "Permissions for viewers",
        "Can viewers be limited to a single folder of dashboards?",
        "howto",
    ),
    ("Slow queries", "Reports that took seconds now take minutes. Did something change?", "bug"),
)

POSITIVE = (
    "Thanks a lot, the new dashboards are a hit with the team and save us hours every week.",
    "Great session today, really helpful. We are excited to roll this out to finance next.",
    "Love the latest release, the alerts already caught two issues for us. Great work!",
    "The team is very happy with the reports, thank you for the quick help.",
    "Excellent support as always, the integration works perfectly now.",
)
NEUTRAL = (
    "Can we move our check-in to next Thursday? The team is travelling.",
    "Please send the notes from our last call and the link to the training material.",
    "We are reviewing our tooling for next year and will share our plans soon.",
    "Could you confirm the renewal date and the number of seats on our contract?",
    "Following up on the export question from last week.",
)
NEGATIVE = (
    "Honestly we are frustrated. The sync has been broken again and nobody seems to fix it.",
    "The team stopped using the dashboards, they are too slow and the numbers are often wrong.",
    "This is the third outage this month. It is unacceptable and leadership is asking questions.",
    "We are disappointed with the support response times and are evaluating alternatives.",
    "Budget is tight and we are not sure the product is worth the cost for us anymore.",
)
OUTREACH = (
    ("Checking in", "Hi {name}, how is the rollout going? Happy to help with anything."),
    ("New features for your team", "Hi {name}, we shipped scheduled reports, want a quick demo?"),
    ("Quarterly review", "Hi {name}, shall we book our quarterly business review?"),
    ("Your usage this month", "Hi {name}, I noticed fewer logins lately. Anything blocking you?"),
)
MEETING_NOTES = (
    "Walked through the new dashboards; the team wants alerts for inventory.",
    "Discussed renewal and the plan for next quarter; positive about expansion to finance.",
    "Reviewed open tickets; customer frustrated with sync delays, escalated to engineering.",
    "QBR: goals met, usage up, champion keen to present internally.",
    "Training session for new analysts; good questions, follow-up material sent.",
)
NPS_COMMENTS = {
    "promoter": (
        "Great product and a great team behind it.",
        "Saves us hours every week.",
        "Easy to use and the support is excellent.",
    ),
    "passive": (
        "Good, but the reports could be faster.",
        "Does the job. Some features missing.",
        "Fine overall, onboarding took a while.",
    ),
    "detractor": (
        "Too slow and too many outages lately.",
        "Support takes days to answer.",
        "Hard to use, the team went back to spreadsheets.",
    ),
}
CSAT_COMMENTS = {
    "good": ("Quick and helpful answer, thanks!", "Solved in minutes."),
    "bad": ("Took far too long to fix.", "The answer did not solve our problem."),
}
