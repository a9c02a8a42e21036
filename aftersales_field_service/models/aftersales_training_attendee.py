from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..selections import TRAINING_RESULTS


class AftersalesTrainingAttendee(models.Model):
    """A technician at a training session and the result; a pass may renew the technician's certificate
    (docs/service-network.md §6)."""

    _name = "aftersales.training.attendee"
    _description = "Training Attendee"
    _inherit = ["aftersales.protected.fields.mixin"]
    _order = "session_id, technician_id"
    _frozen_fields = ("session_id",)
    _locked_fields = {
        "can_edit": ("technician_id",),
        "can_record": ("result", "score", "certificate_expiry", "note"),
    }

    # Fields -----------------------------------------------------------------------------------

    session_id = fields.Many2one("aftersales.training.session", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="session_id.company_id", store=True, index=True)
    date = fields.Date(related="session_id.date", store=True)
    kind = fields.Selection(related="session_id.kind", store=True)
    state = fields.Selection(related="session_id.state", store=True, string="Session State")
    technician_id = fields.Many2one("aftersales.technician", required=True, index=True, ondelete="restrict")
    result = fields.Selection(TRAINING_RESULTS)
    score = fields.Float()
    certificate_expiry = fields.Date(
        string="Certificate Renewed Until", help="A pass renews the technician's certificate to this date."
    )
    note = fields.Char()
    can_edit = fields.Boolean(related="session_id.can_edit")
    can_record = fields.Boolean(related="session_id.can_record")

    _session_technician_uniq = models.Constraint(
        "unique(session_id, technician_id)", "A technician is listed once per session."
    )

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("technician_id", "company_id")
    def _check_company(self):
        if any(attendee.technician_id.company_id != attendee.company_id for attendee in self):
            raise ValidationError(self.env._("The attendees are technicians of the session's company."))

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_only_while_planned(self):
        """The attendees of a session held are its record, kept with it (docs/service-network.md §6)."""
        if any(attendee.state == "done" for attendee in self):
            raise UserError(self.env._("The attendees of a session held are kept with its record."))

    # Business rules ---------------------------------------------------------------------------

    def _renew_certificates(self):
        """Passed attendees' certificates run to the date given, never shortened (docs/service-network.md §6)."""
        for attendee in self.filtered(lambda attendee: attendee.result == "passed" and attendee.certificate_expiry):
            technician = attendee.technician_id
            if not technician.certificate_expiry or technician.certificate_expiry < attendee.certificate_expiry:
                technician.certificate_expiry = attendee.certificate_expiry
