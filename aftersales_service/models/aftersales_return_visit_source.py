from odoo import fields, models

class AftersalesReturnVisitSource(models.AbstractModel):
    """What RMAs, repairs, complaints and visits share as the documents a return visit follows
    (docs/satisfaction.md §1)."""

    _name = "aftersales.return.visit.source"
    _description = "Source of Return Visits"
    # The return visit's field pointing at this kind of document: each document that a return visit may follow
    # names it, in whichever addon adds the document.
    _return_visit_field = None

    return_visit_count = fields.Integer(
        compute="_compute_return_visit_count", string="Return Visits",
        groups="aftersales_service.group_aftersales_user",
    )

    def _compute_return_visit_count(self):
        counts = dict(self.env["aftersales.return.visit"]._read_group(
            [(self._return_visit_field, "in", self.ids)], [self._return_visit_field], ["__count"]
        ))
        for source in self:
            source.return_visit_count = counts.get(source, 0)

    def _aftersales_schedule_return_visits(self):
        """Hook of a closed document: its return visit is planned once the closing is committed, once while one is
        planned (docs/satisfaction.md §1)."""
        closing = self._return_visit_customers()
        self.env["aftersales.follow.up"]._enqueue(
            "return_visit", closing, dates={source: source._return_visit_closed_on() for source in closing}
        )

    def _prepare_return_visit_values(self, closed_on):
        """Customer, unit, responsible and date of the visit following this document, closed on ``closed_on``
        (docs/satisfaction.md §1)."""
        self.ensure_one()
        company = self.company_id
        product, lot = self._return_visit_unit()
        return {
            self._return_visit_field: self.id,
            "company_id": company.id,
            "partner_id": self.partner_id.commercial_partner_id.id,
            "user_id": company._aftersales_assignee(self.user_id).id,
            "date_planned": self.env["aftersales.return.visit"]._planned_date(company, closed_on),
            "product_id": product.id,
            "lot_id": lot.id,
        }

    def _return_visit_customers(self):
        """Only documents with a customer are followed by a visit: an internal repair has nobody to ask."""
        return self.filtered("partner_id")

    def _return_visit_unit(self):
        """The product and serial the visit asks about."""
        return self.product_id, self.lot_id

    def _return_visit_closed_on(self):
        """The day the document closed, in the company's time zone."""
        return self.company_id._aftersales_today()

    def action_view_return_visits(self):
        self.ensure_one()
        visits = self.env["aftersales.return.visit"].search([(self._return_visit_field, "=", self.id)])
        return self.env["aftersales.return.visit"]._action_documents(
            "aftersales.return.visit", visits, self.env._("Return Visits")
        )
