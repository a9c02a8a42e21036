from odoo import api, fields, models

# Causes that are ours to bear in warranty (docs/rma.md §8).
OUR_FAULT_CAUSES = ("manufacturing", "nonconformity", "transport")


class AftersalesRepairCharge(models.AbstractModel):
    """How a repair is charged, whoever repairs and wherever: the unit returned to us and the unit repaired on the
    customer's site follow one rule, and are quoted at one price (docs/rma.md §8, docs/field-service.md §5)."""

    _name = "aftersales.repair.charge"
    _description = "After-Sales Repair Charge"

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _charge_mode_for(self, warranty_state, cause, processed_parts=False, customer_pickup=False, recall=False):
        """Repair charges: recall work is free; else free in warranty and our fault, except processed parts; else
        materials and labour (docs/rma.md §8, docs/recalls.md §7)."""
        if recall:
            return "free"
        ours = cause in OUR_FAULT_CAUSES and not (cause == "transport" and customer_pickup)
        if warranty_state == "in_warranty" and ours:
            return "materials" if processed_parts else "free"
        return "full"

    @api.model
    def _part_charged(self, charge_mode, customer_processed):
        """Whether a part of a repair charged ``charge_mode`` is billed: never when free, only the parts the
        customer had processed when materials are charged in warranty (docs/rma.md §8)."""
        return charge_mode != "free" and (charge_mode != "materials" or customer_processed)

    @api.model
    def _customer_price(self, product, partner, company, quantity=1.0):
        """What ``partner`` pays for each of ``quantity`` units of ``product``, before taxes and in ``company``'s
        currency: the net price a quotation of theirs gives the line, their pricelist and its discount applied,
        as the quotation prices it (docs/rma.md §8)."""
        env = self.with_company(company).env
        order = env["sale.order"].new({"partner_id": partner.id, "company_id": company.id})
        line = env["sale.order.line"].new({"order_id": order, "product_id": product.id, "product_uom_qty": quantity})
        return order.currency_id._convert(
            line.price_reduce_taxexcl, company.currency_id, company, fields.Date.context_today(self)
        )

    @api.model
    def _prepare_labour_line_values(self, company, hours):
        """The quotation line of ``hours`` of repair labour: the company's labour product, priced by the quotation
        for its customer; nothing without hours or labour product (docs/rma.md §8)."""
        labour = company.aftersales_labour_product_id
        if not (hours and labour):
            return {}
        return {"product_id": labour.id, "product_uom_qty": hours}
