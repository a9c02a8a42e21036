from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

WARRANTY_STATES = [
    ("in_warranty", "In Warranty"),
    ("expired", "Expired"),
    ("void", "Void"),
    ("not_ours", "Not Our Product"),
    ("no_proof", "No Proof of Purchase"),
]

# What the check reads of the record found, in the query that finds it.
CHECK_FIELDS = ["partner_id", "product_id", "lot_id", "delivery_date", "warranty_start_date", "warranty_end_date"]


class AftersalesDeliveryRecord(models.Model):
    # A concept of its own, split off to keep the model's files small.
    _inherit = "aftersales.delivery.record"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _void_reason_labels(self):
        """Causes that void a warranty (SPEC 2, [003] 六)."""
        return {
            "misuse": self.env._("customer misuse"),
            "disassembly": self.env._("unauthorised disassembly"),
            "modification": self.env._("unauthorised modification"),
            "external_damage": self.env._("external damage not caused by us"),
        }

    @api.model
    def check_warranty(self, lot=None, product=None, partner=None, on_date=None, proof_date=None, void_reasons=None):
        """Warranty check: is it ours, is it covered on the claim date, is it void (SPEC 2).

        :param lot: a ``stock.lot`` record or a serial / lot number
        :param product: ``product.product``; with ``partner``, used when no serial is given
        :param partner: the customer making the claim
        :param on_date: the claim date (default: today)
        :param proof_date: date on a proof of purchase, standing in for a missing delivery record
        :param void_reasons: keys of :meth:`_void_reason_labels` found at inspection
        :return: dict with ``state``, ``record``, ``start_date``, ``end_date`` and ``reason``
        """
        on_date = fields.Date.to_date(on_date) or fields.Date.context_today(self)
        proof_date = fields.Date.to_date(proof_date)
        voids = self._validate_check_input(lot, product, partner, on_date, proof_date, void_reasons)
        lots = self._resolve_lots(lot, product)
        result = {"state": False, "record": self.browse(), "start_date": False, "end_date": False}
        if lot and not lots:
            name = lot if isinstance(lot, str) else lot.name
            return dict(result, state="not_ours", reason=self.env._(
                "Serial number %(serial)s is unknown: the unit was not made or sold by us.", serial=name.strip()
            ))
        record = self._find_for_check(lots, product, partner, on_date)
        if record:
            return record._warranty_verdict(on_date, void_reasons)
        if not proof_date:
            return dict(result, state="no_proof", reason=self.env._(
                "No delivery record and no proof of purchase: the unit is treated as out of warranty."
            ))
        start, end = self._proof_warranty_period(lots.product_id[:1] or product, partner, proof_date)
        origin = self.env._(
            "No delivery record; the proof of purchase dated %(date)s stands in for the delivery date.",
            date=format_date(self.env, proof_date),
        )
        return dict(result, start_date=start, end_date=end, **self._judge_period(start, end, on_date, voids, origin))

    def _warranty_verdict(self, on_date, void_reasons=()):
        """The warranty answer for this delivered unit on ``on_date`` (SPEC 2)."""
        self.ensure_one()
        origin = self.env._(
            "Delivered to %(customer)s on %(date)s.",
            customer=self.partner_id.sudo().with_context(prefetch_fields=False).name,
            date=format_date(self.env, self.delivery_date),
        )
        verdict = self._judge_period(
            self.warranty_start_date, self.warranty_end_date, on_date, self._void_labels(void_reasons), origin
        )
        return dict(verdict, record=self, start_date=self.warranty_start_date, end_date=self.warranty_end_date)

    @api.model
    def _validate_check_input(self, lot, product, partner, on_date, proof_date, void_reasons):
        """Bad input to a warranty check is refused with a clear message (SPEC 7)."""
        if not lot and not product:
            raise UserError(self.env._("Give a serial number, or a product and a customer, to check a warranty."))
        if not lot and not partner and not proof_date:
            raise UserError(self.env._("Without a serial number, give the customer or a proof of purchase date."))
        if proof_date and proof_date > on_date:
            raise UserError(self.env._("The proof of purchase cannot be dated after the claim date."))
        return self._void_labels(void_reasons)

    @api.model
    def _void_labels(self, void_reasons):
        """The readable causes of ``void_reasons``; an unknown key is refused."""
        labels = self._void_reason_labels()
        unknown = set(void_reasons or ()) - set(labels)
        if unknown:
            raise UserError(self.env._("Unknown warranty void reason(s): %(reasons)s.", reasons=", ".join(sorted(unknown))))
        return [label for key, label in labels.items() if key in (void_reasons or ())]

    @api.model
    def _resolve_lots(self, lot, product):
        """The lots a serial number names, narrowed to the product when one is given."""
        if not lot or not isinstance(lot, str):
            return lot or self.env["stock.lot"]
        domain = [("name", "=", lot.strip())]
        if product:
            domain.append(("product_id", "=", product.id))
        return self.env["stock.lot"].search(domain)

    @api.model
    def _find_for_check(self, lots, product, partner, on_date):
        """The latest delivery of the unit (or of the product to the customer) on or before the claim date."""
        domain = [("delivery_date", "<=", on_date)]
        if lots:
            domain.append(("lot_id", "in", lots.ids))
        else:
            domain.append(("product_id", "=", product.id))
            if partner:
                domain.append(("partner_id", "=", partner.commercial_partner_id.id))
        return self.search_fetch(domain, CHECK_FIELDS, order="warranty_end_date desc, id desc", limit=1)

    @api.model
    def _proof_warranty_period(self, product, partner, proof_date):
        """A proof of purchase stands in for the delivery date (SPEC 2, [003] 八)."""
        policy_model = self.env["aftersales.warranty.policy"]
        policy = policy_model._match_products(product, self.env.company)[product]
        months, extension = policy._months_for(partner or self.env["res.partner"])
        return proof_date, policy_model._warranty_end_date(proof_date, months + extension)

    @api.model
    def _judge_period(self, start_date, end_date, on_date, voids, origin):
        """Void beats the period; then the claim date is inside [start, end] or not (SPEC 2, [003] 六)."""
        if voids:
            return {"state": "void", "reason": " ".join([origin, self.env._(
                "The warranty is void: %(causes)s.", causes=", ".join(voids)
            )])}
        if start_date <= on_date <= end_date:
            return {"state": "in_warranty", "reason": " ".join([origin, self.env._(
                "Covered until %(end)s.", end=format_date(self.env, end_date)
            )])}
        return {"state": "expired", "reason": " ".join([origin, self.env._(
            "The warranty ended on %(end)s, before the claim date %(claim)s.",
            end=format_date(self.env, end_date),
            claim=format_date(self.env, on_date),
        )])}
