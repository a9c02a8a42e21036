from odoo import api, models
from odoo.exceptions import AccessError


class AftersalesSharedRecordMixin(models.AbstractModel):
    """Configuration that a record without company shares with every company: such a shared record is created,
    changed, archived, translated or deleted only by a user of every company of the database, or by the module's own
    code; a company's manager keeps records of that company (docs/security.md §3).

    The inheriting model has a ``company_id`` field, empty for a shared record.
    """

    _name = "aftersales.shared.record.mixin"
    _description = "After-Sales Record Shared by the Companies"

    # CRUD -------------------------------------------------------------------------------------

    def write(self, vals):
        if "company_id" in vals and not vals["company_id"] and not self.env.su and not self._may_change_shared():
            raise self._shared_access_error(self)
        return super().write(vals)

    # Business rules ---------------------------------------------------------------------------

    def _check_access(self, operation):
        """Besides the access rights and the multi-company rule, a shared record is the users' of every company to
        change: also refused to every other user by ``create``, ``write``, ``unlink`` and the translations."""
        result = super()._check_access(operation)
        if result or operation == "read" or not self._ids:
            return result
        shared = self.browse(self.sudo().filtered(lambda record: not record.company_id).ids)
        if shared and not self._may_change_shared():
            return shared, lambda: self._shared_access_error(shared)
        return None

    @api.model
    def _own_or_shared(self, domain, company, field_names=()):
        """The records of ``domain`` that are the company's own, else the shared ones: a company that keeps its own
        list uses it instead of the shared one (docs/security.md §3). One query, which also reads ``field_names``."""
        records = self.search_fetch(
            [*domain, ("company_id", "in", (company.id, False))], ["company_id", *field_names]
        )
        own = records.filtered("company_id")
        return own or records - own

    @api.model
    def _may_change_shared(self):
        """Whether the user works for every company of the database (docs/security.md §3)."""
        others = self.env["res.company"].sudo().search_count(
            [("id", "not in", self.env.user.company_ids.ids)], limit=1
        )
        return not others

    @api.model
    def _shared_access_error(self, records):
        return AccessError(self.env._(
            "%(records)s: shared by every company, only a user of all the companies may change it. "
            "Create your company's own, with your company set, instead.",
            records=", ".join(records.sudo().mapped("display_name")),
        ))
