from collections import defaultdict

from odoo import fields, models

from .aftersales_delivery_mixin import window_action


class AftersalesRmaMixin(models.AbstractModel):
    """Smart button to the RMAs of a partner, order, transfer or delivery record."""

    _name = "aftersales.rma.mixin"
    _description = "Smart Button to RMAs"

    # How an RMA concerns a record of the inheriting model: (model, path from that model to the record, or "id"
    # on the inheriting model itself, field of that model holding the RMA). One grouped query each, whatever the
    # number of records.
    _aftersales_rma_links = ()

    aftersales_rma_count = fields.Integer(
        compute="_compute_aftersales_rma_count",
        string="RMA Count",
        groups="aftersales_service.group_aftersales_user",
    )

    def _aftersales_rma_key(self):
        """The records the RMAs point to (a partner counts its commercial entity)."""
        return self

    def _aftersales_rma_ids(self):
        """{key record: ids of its RMAs the user may read}, in one query per link and one for the rights: a list
        of orders or an export counts its RMAs at once."""
        keys = self._aftersales_rma_key().filtered("id")
        found = defaultdict(set)
        if keys:
            for model, path, rma_field in self._aftersales_rma_links:
                for key, rma_ids in self.env[model]._read_group(
                    [(path, "in", keys.ids), (rma_field, "!=", False)], [path], [f"{rma_field}:array_agg"]
                ):
                    # Grouped by "id" (the record's own field), the key comes as a number.
                    found[keys.browse(key) if isinstance(key, int) else key].update(rma_ids)
        candidates = set().union(*found.values())
        readable = set(self.env["aftersales.rma"].search([("id", "in", list(candidates))]).ids) if candidates else set()
        return {key: ids & readable for key, ids in found.items()}

    def _compute_aftersales_rma_count(self):
        rma_ids = self._aftersales_rma_ids()
        for record in self:
            record.aftersales_rma_count = len(rma_ids.get(record._aftersales_rma_key(), ()))

    def action_view_aftersales_rmas(self):
        self.ensure_one()
        rma_ids = self._aftersales_rma_ids().get(self._aftersales_rma_key(), set())
        return window_action(self.env, "aftersales_service.action_aftersales_rma", [("id", "in", sorted(rma_ids))])
