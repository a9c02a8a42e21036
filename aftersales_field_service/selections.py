"""The selection lists of aftersales_field_service, in one place (docs/field-service.md)."""

DISPATCH_STATES = [
    ("draft", "Draft"),
    ("scheduled", "Scheduled"),
    ("dispatched", "Dispatched"),
    ("on_site", "On Site"),
    ("done", "Done"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]
# States of a visit still to be made: the technician's agenda and the customer's appointments.
PLANNED_DISPATCH_STATES = ("scheduled", "dispatched")
DISPATCH_ORIGINS = [
    ("call", "Phone Call"),
    ("complaint", "Complaint"),
    ("rma", "RMA"),
    ("return_visit", "Return Visit"),
    ("installation", "Installation"),
    ("recall", "Recall"),
]
SERVICE_TYPES = [
    ("repair", "Repair"),
    ("maintenance", "Maintenance"),
    ("installation", "Installation and Commissioning"),
    ("inspection", "Inspection"),
    ("assessment", "Return/Exchange Assessment"),
    ("training", "Training"),
]
# Service types that concern units of the customer: the order lists at least one.
UNIT_SERVICE_TYPES = ("repair", "maintenance", "installation", "assessment")
DISPATCH_OUTCOMES = [
    ("fixed", "Fixed on Site"),
    ("taken_back", "Taken Back"),
    ("waiting_parts", "Waiting for Parts"),
    ("another_visit", "Another Visit Needed"),
    ("customer_absent", "Customer Absent"),
    ("installed", "Installed and Accepted"),
]
CHECK_RESULTS = [("pass", "Passed"), ("fail", "Failed"), ("na", "Not Applicable")]
TRIAL_RESULTS = [("passed", "Passed"), ("failed", "Failed")]
CHECK_TEMPLATE_SCOPES = [("visit", "Visit"), ("point_review", "Service Point Review")]
SERVICE_POINT_KINDS = [("own", "Own"), ("outsourced", "Outsourced")]
SERVICE_POINT_STATES = [
    ("candidate", "Candidate"),
    ("review", "Under Review"),
    ("approved", "Approved"),
    ("suspended", "Suspended"),
    ("closed", "Closed"),
]
TRAVEL_MODES = [("visit", "Per Visit"), ("km_band", "Per Distance Band")]
SETTLEMENT_STATES = [("draft", "Draft"), ("confirmed", "Confirmed"), ("cancel", "Cancelled")]
TRAINING_KINDS = [("initial", "Initial"), ("annual", "Annual Refresher"), ("product", "New Product"), ("other", "Other")]
TRAINING_STATES = [("planned", "Planned"), ("done", "Done"), ("cancel", "Cancelled")]
TRAINING_RESULTS = [("passed", "Passed"), ("failed", "Failed"), ("absent", "Absent")]
EVALUATION_DECISIONS = [("keep", "Keep"), ("improve", "Keep, to Improve"), ("end", "End the Cooperation")]
SUMMARY_STATES = [("draft", "To Write"), ("submitted", "Submitted")]
# States of a visit whose work is over: what a point is settled and summarised on.
DONE_DISPATCH_STATES = ("done", "closed")
