"""The selection lists of aftersales_service, in one place (docs/README.md)."""

# How a customer reaches the after-sales service (docs/complaints.md §1, docs/rma.md §1).
INTAKE_CHANNELS = [
    ("phone", "Phone"),
    ("letter", "Letter / Fax"),
    ("visit", "Visit"),
    ("email", "E-mail"),
    ("portal", "Portal"),
]
RMA_CHANNELS = [*INTAKE_CHANNELS, ("sales_rep", "Sales Representative")]
COMPLAINT_CHANNELS = [*INTAKE_CHANNELS, ("return_visit", "Return Visit")]

# Sales channel of a customer: distributors and agents get the warranty extension (docs/warranty.md §2).
CUSTOMER_CHANNELS = [("end_customer", "End Customer"), ("distributor", "Distributor"), ("agent", "Agent")]
EXTENDED_CHANNELS = ("distributor", "agent")

# Warranty (docs/warranty.md §5).
WARRANTY_STATES = [
    ("in_warranty", "In Warranty"),
    ("expired", "Expired"),
    ("void", "Void"),
    ("not_ours", "Not Our Product"),
    ("no_proof", "No Proof of Purchase"),
]
POLICY_SCOPES = [("product", "Product"), ("category", "Product Category"), ("company", "Company Default")]

# RMA (docs/rma.md).
RMA_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Approved"),
    ("received", "Received"),
    ("inspected", "Inspected"),
    ("decided", "Decided"),
    ("processed", "Processed"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]
RMA_PRIORITIES = [("0", "Normal"), ("1", "Urgent")]
RECEIPT_STATES = [("none", "Nothing Received"), ("partial", "Partially Received"), ("full", "Received")]
RMA_PICKING_ROLES = [("receipt", "RMA Receipt"), ("replacement", "Replacement"), ("return", "Return to Customer")]
CAUSES = [
    ("manufacturing", "Our Manufacturing Quality"),
    ("nonconformity", "Specification Non-Conformity"),
    ("transport", "Transport Damage"),
    ("misuse", "Customer Misuse"),
    ("external_damage", "External Damage Not Caused by Us"),
    ("wear", "Normal Wear"),
    ("not_ours", "Not Our Product"),
    ("no_fault", "No Fault Found"),
]
DECISIONS = [
    ("refund", "Refund"),
    ("replace", "Replacement"),
    ("repair", "Repair"),
    ("return_as_is", "Return As Is"),
    ("scrap", "Scrap"),
    ("reject", "Reject Claim"),
    ("vendor_repair", "Repair by the Manufacturer"),
]
CHARGE_MODES = [("free", "Free"), ("materials", "Materials Only"), ("full", "Materials and Labour")]
REPLACEMENT_WARRANTY = [
    ("restart", "Restarts at the replacement's delivery"),
    ("continue", "Continues from the replaced unit"),
]

# Complaints and service levels (docs/complaints.md, docs/sla.md).
COMPLAINT_STATES = [
    ("new", "New"),
    ("acknowledged", "Acknowledged"),
    ("investigating", "Investigating"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]
OPEN_COMPLAINT_STATES = ("new", "acknowledged", "investigating")
COMPLAINT_KINDS = [
    ("complaint", "Complaint"),
    ("inquiry", "Inquiry"),
    ("suggestion", "Suggestion"),
    ("service_request", "Service Request"),
    ("praise", "Praise"),
]
COMPLAINT_PRIORITIES = [("0", "Normal"), ("1", "High"), ("2", "Urgent")]
DIMENSIONS = [
    ("quality", "Product Quality"),
    ("delivery", "Delivery Time"),
    ("service", "Service"),
    ("price", "Price"),
    ("packaging", "Packaging"),
]
# Dimensions whose company-caused complaints cost the larger deduction (docs/satisfaction.md §3).
SERIOUS_DIMENSIONS = ("quality", "delivery", "service")
RESPONSIBILITIES = [
    ("department", "Our Department"),
    ("customer", "Customer"),
    ("carrier", "Carrier"),
    ("supplier", "Supplier"),
]
TIME_MODES = [("clock", "Clock Time"), ("working", "Working Time")]
SLA_STATES = [("on_track", "On Track"), ("at_risk", "At Risk"), ("breached", "Breached"), ("met", "Met")]
SLA_EVENTS = [("none", "Nothing"), ("at_risk", "At Risk"), ("breached", "Breached")]
CONFIRMATION_WAYS = [
    ("phone", "By phone"),
    ("email", "By e-mail"),
    ("signature", "Signed handling form"),
    ("visit", "During a visit"),
    ("portal", "On the portal"),
]
ACTION_TYPES = [("corrective", "Corrective"), ("preventive", "Preventive")]
EFFECTIVENESS = [("pending", "To Verify"), ("effective", "Effective"), ("not_effective", "Not Effective")]

# Return visits and surveys (docs/satisfaction.md).
VISIT_STATES = [("planned", "Planned"), ("done", "Done"), ("cancel", "Cancelled")]
VISIT_TYPES = [("phone", "Phone Call"), ("onsite", "On-Site Visit"), ("email", "E-mail")]
SURVEY_STATES = [("draft", "Draft"), ("done", "Validated"), ("cancel", "Cancelled")]

# Repairs by the manufacturer or upstream distributor (docs/rma.md §13).
VENDOR_REPAIR_STATES = [
    ("draft", "Draft"),
    ("sent", "At the Vendor"),
    ("received", "Back"),
    ("tested", "Tested"),
    ("returned", "Returned to Customer"),
    ("scrapped", "Scrapped"),
]
VENDOR_ITEM_KINDS = [("exchange", "Exchange Item"), ("warranty", "Warranty Item")]
VENDOR_TEST_RESULTS = [("passed", "Repaired, Tested OK"), ("failed", "Could Not Be Repaired")]

# Recalls (docs/recalls.md).
RECALL_STATES = [
    ("draft", "Draft"),
    ("approved", "Approved"),
    ("in_progress", "In Progress"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]
RECALL_ORIGINS = [("internal", "Internal Finding"), ("supplier", "Supplier Notice"), ("authority", "Authority")]
RECALL_CLASSES = [
    ("safety", "Safety"),
    ("quality", "Quality"),
    ("regulatory", "Regulatory"),
    ("bulletin", "Service Bulletin"),
]
RECALL_PRIORITIES = [("0", "Normal"), ("1", "High"), ("2", "Urgent")]
RECALL_REMEDIES = [
    ("inspect", "Inspect on Site"),
    ("repair_on_site", "Repair on Site"),
    ("return_repair", "Return for Repair"),
    ("replace", "Replace"),
    ("refund", "Refund"),
    ("notice", "Notice Only"),
]
# Remedies done on the customer's site, and those the units come back to us for (docs/recalls.md §5).
ON_SITE_REMEDIES = ("inspect", "repair_on_site")
RETURN_REMEDIES = {"return_repair": "repair", "replace": "replace", "refund": "refund"}
RECALL_UNIT_STATES = [
    ("identified", "Identified"),
    ("notified", "Notified"),
    ("acknowledged", "Acknowledged"),
    ("scheduled", "Scheduled"),
    ("remedied", "Remedied"),
    ("unreachable", "Unreachable"),
    ("declined", "Declined"),
    ("not_applicable", "Not Applicable"),
]
# A unit in one of these states needs nothing more (docs/recalls.md §6).
FINAL_RECALL_UNIT_STATES = ("remedied", "unreachable", "declined", "not_applicable")
RECALL_PLACEMENTS = [("customer", "At a Customer"), ("stock", "In Our Stock"), ("excluded", "Left Out")]
RECALL_EXCLUSIONS = [
    ("returned", "Returned for Good"),
    ("replaced", "Replaced"),
    ("scrapped", "Scrapped"),
]
RECALL_NOTICE_STATES = [("sent", "Sent"), ("acknowledged", "Acknowledged")]
QUALITY_ALERT_STATES = [
    ("new", "New"),
    ("investigating", "Investigating"),
    ("done", "Done"),
    ("dismissed", "Dismissed"),
]
# What warranty and recall work cost (docs/recalls.md §9).
WARRANTY_COST_KINDS = [
    ("refund", "Refund"),
    ("replacement", "Replacement Unit"),
    ("repair_parts", "Free Repair: Parts"),
    ("repair_labour", "Free Repair: Labour"),
    ("visit_parts", "Free Visit: Parts"),
    ("visit_labour", "Free Visit: Labour"),
    ("recall", "Recall"),
]
