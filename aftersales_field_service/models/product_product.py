from odoo import api, fields, models
from odoo.fields import Domain


class ProductProduct(models.Model):
    _inherit = "product.product"

    # Fields -----------------------------------------------------------------------------------

    aftersales_van_quantity = fields.Float(
        string="In the Van", compute="_compute_aftersales_van_quantity", digits="Product Unit",
        help="What the van of the repair on site being edited holds of the product.",
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends_context("aftersales_parts_location_id")
    def _compute_aftersales_van_quantity(self):
        held = self._aftersales_held_in_van()
        for product in self:
            product.aftersales_van_quantity = held.get(product, 0.0)

    @api.depends_context("aftersales_parts_location_id")
    def _compute_display_name(self):
        """Picking a part for a repair on site, each product says what the van holds of it (docs/field-service.md
        §5)."""
        result = super()._compute_display_name()
        # The van's stock is read once for the batch, by the quantity's compute, whichever field is asked first.
        for product in self.filtered("aftersales_van_quantity"):
            product.display_name = self.env._(
                "%(product)s (%(quantity)s in the van)", product=product.display_name,
                quantity=f"{product.aftersales_van_quantity:g}",
            )
        return result

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def name_search(self, name="", domain=None, operator="ilike", limit=100):
        """Picking a part for a repair on site offers first what the van holds, then the other products
        (docs/field-service.md §5)."""
        held = self._aftersales_held_in_van()
        if not held:
            return super().name_search(name, domain, operator, limit)
        domain = Domain(domain or Domain.TRUE)
        in_van = Domain("id", "in", [product.id for product in held])
        found = super().name_search(name, domain & in_van, operator, limit)
        if limit and len(found) >= limit:
            return found
        return found + super().name_search(name, domain & ~in_van, operator, limit and limit - len(found))

    @api.model
    def web_search_read(self, domain, specification, offset=0, limit=None, order=None, count_limit=None):
        """On a phone the parts picker is a list of cards: there too the van's parts come first, each in the order
        asked for (docs/field-service.md §5)."""
        held = self._aftersales_held_in_van()
        if not held:
            return super().web_search_read(domain, specification, offset, limit, order, count_limit)
        domain = Domain(domain or Domain.TRUE)
        in_van = Domain("id", "in", [product.id for product in held])
        in_van_count = self.search_count(domain & in_van)
        records = super().web_search_read(domain & in_van, specification, offset, limit, order)["records"] if (
            offset < in_van_count
        ) else []
        others = domain & ~in_van
        if limit and len(records) >= limit:
            return {"length": in_van_count + self.search_count(others, limit=count_limit), "records": records}
        rest = super().web_search_read(
            others, specification, max(0, offset - in_van_count), limit and limit - len(records), order, count_limit
        )
        return {"length": in_van_count + rest["length"], "records": records + rest["records"]}

    def _aftersales_held_in_van(self):
        """{product: quantity} of what the van of the repair being edited holds (the context's
        ``aftersales_parts_location_id``), in one grouped query."""
        location_id = self.env.context.get("aftersales_parts_location_id")
        if not location_id:
            return {}
        return dict(self.env["stock.quant"]._read_group(
            [("location_id", "child_of", location_id), ("quantity", ">", 0)], ["product_id"], ["quantity:sum"],
        ))
