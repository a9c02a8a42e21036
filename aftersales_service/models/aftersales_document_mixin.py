from odoo import api, fields, models
from odoo.exceptions import UserError


class AftersalesDocumentMixin(models.AbstractModel):
    """Numbered after-sales documents with a state machine: RMAs, complaints, return visits, surveys."""

    _name = "aftersales.document.mixin"
    _description = "Numbered After-Sales Document"
    _inherit = ["aftersales.protected.fields.mixin", "aftersales.customer.email.mixin"]

    # Sequence code and prefix of the inheriting model, e.g. ("aftersales.rma", "RMA/%(year)s/").
    _aftersales_sequence = None
    # The field of the document's own date, whose year its number carries; none: the day it is created.
    _aftersales_sequence_date_field = None
    _frozen_fields = ("name", "company_id")
    # States whose kanban column starts folded: finished and cancelled documents (docs/README.md, screens).
    _folded_states = ("done", "cancel")
    # States in which the document may be deleted; in the others it is a record kept, cancelled instead of deleted
    # (docs/security.md §4). None: any state.
    _deletable_states = None

    # Fields -----------------------------------------------------------------------------------

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/", index="trigram")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('parent_id', '=', False)]",
    )
    can_delete = fields.Boolean(compute="_compute_can_delete", help="The document may be deleted: Delete is offered.")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("state")
    def _compute_can_delete(self):
        """Deleting is offered, and allowed, in the deletable states only (docs/security.md §4)."""
        for document in self:
            document.can_delete = self._deletable_states is None or document.state in self._deletable_states

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_only_deletable(self):
        """Documents out of their deletable states are records: never deleted (docs/security.md §4)."""
        self._check_can("can_delete", self._delete_refusal())

    def _delete_refusal(self):
        """What a user deleting a document that is a record is told."""
        return self.env._("%(documents)s cannot be deleted at this stage.", documents=self._description)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # The company the document will have: given, else the default of the context, else the current one.
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.context.get("default_company_id")
            ) or self.env.company
            if vals.get("name", "/") == "/":
                vals["name"] = self._next_number(company, self._sequence_date(vals, company))
            # Nobody given by a real user is nobody; the system gets the document a real person.
            if not vals.get("user_id") and not self._default_user():
                vals["user_id"] = company._aftersales_assignee(self.env.user).id
        return super().create(vals_list)

    @api.model
    def _web_read_group_format(self, groupby, aggregates, groups):
        """Kanban columns by state follow the workflow (the state fields expand their groups) and fold the
        finished states."""
        result = super()._web_read_group_format(groupby, aggregates, groups)
        if groupby[:1] == ("state",) and self._web_read_group_field_expand(groupby):
            for group in result:
                group["__fold"] = group["state"] in self._folded_states
        return result

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _default_user(self):
        """The user creating the document, unless it is the system: then :meth:`create` gives the document to the
        company's after-sales responsible (docs/README.md, responsibility), as for a customer's request on the
        portal (docs/portal.md §3)."""
        user = self.env.user
        return user.browse() if user._is_superuser() or user.share else user

    @api.model
    def _next_number(self, company, date):
        """Document numbers run per company and year, e.g. RMA/2026/00001: drawn from the company's own sequence of
        the kind, in the year of ``date`` (docs/README.md, numbering)."""
        number = self.env["ir.sequence"].sudo().with_company(company).next_by_code(
            self._aftersales_sequence[0], sequence_date=date
        )
        if not number:
            raise UserError(self.env._(
                "%(company)s has no numbering for %(documents)s: update the After-Sales module to create it.",
                company=company.name,
                documents=self._description,
            ))
        return number

    @api.model
    def _sequence_date(self, vals, company):
        """The day whose year a new document's number carries: the document's own date when it has one, else
        today, both in the company's time zone (docs/README.md, numbering)."""
        field = self._fields.get(self._aftersales_sequence_date_field or "")
        value = field and vals.get(field.name)
        if not value:
            return company._aftersales_today()
        if field.type == "datetime":
            return company._aftersales_date(fields.Datetime.to_datetime(value))
        return fields.Date.to_date(value)

    @api.model
    def _prepare_sequence_values(self, company):
        """The numbering of this kind of document in ``company``."""
        code, prefix = self._aftersales_sequence
        return {
            "name": self.env._("%(documents)s of %(company)s", documents=self._description, company=company.name),
            "code": code,
            "prefix": prefix,
            "padding": 5,
            "use_date_range": True,
            "company_id": company.id,
        }

    def _action_documents(self, model, records, name):
        """A window on ``records``: their form when there is one, else a list."""
        action = {"type": "ir.actions.act_window", "res_model": model, "name": name, "context": {"create": False}}
        if len(records) == 1:
            return dict(action, view_mode="form", res_id=records.id)
        return dict(action, view_mode="list,form", domain=[("id", "in", records.ids)])
