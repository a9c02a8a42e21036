from odoo import api, models
from odoo.fields import Domain


class ProductProduct(models.Model):
    _inherit = "product.product"

    # Computes ---------------------------------------------------------------------------------

    @api.depends_context("aftersales_parts_location_id")
    def _compute_display_name(self):
        """Picking a part for a repair on site, each product says what the van holds of it (docs/field-service.md
        §5)."""
        result = super()._compute_display_name()
        held = self._aftersales_held_in_van()
        for product in self.filtered(lambda product: product in held):
            product.display_name = self.env._(
                "%(product)s (%(quantity)s in the van)", product=product.display_name, quantity=f"{held[product]:g}"
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

    def _aftersales_held_in_van(self):
        """{product: quantity} of what the van of the repair being edited holds (the context's
        ``aftersales_parts_location_id``), in one grouped query."""
        location_id = self.env.context.get("aftersales_parts_location_id")
        if not location_id:
            return {}
        return dict(self.env["stock.quant"]._read_group(
            [("location_id", "child_of", location_id), ("quantity", ">", 0)], ["product_id"], ["quantity:sum"],
        ))
