from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.misc import format_date

from .aftersales_protected_fields_mixin import MANAGER_GROUP

# What the database fills for every row.
LOG_COLUMNS = ["create_uid", "create_date", "write_uid", "write_date"]

# What the warranty check reads of the record found, in the query that finds it.
CHECK_FIELDS = ["partner_id", "product_id", "lot_id", "delivery_date", "warranty_start_date", "warranty_end_date"]

# The terms of a delivered unit: given at delivery, corrected by a manager only (docs/delivery-records.md §2).
DELIVERY_TERMS = (
    "partner_id", "product_id", "lot_id", "quantity", "delivery_date", "promised_date", "warranty_policy_id",
    "warranty_months", "channel_extension_months", "warranty_start_date",
)


def lateness(delivery_date, promised_date):
    """On-time delivery: days late when delivered after the promised date (docs/delivery-records.md §3)."""
    delay = (delivery_date - promised_date).days if promised_date else 0
    return {"is_late": delay > 0, "delay_days": max(delay, 0)}


class AftersalesDeliveryRecord(models.Model):
    """One unit (serial, lot or quantity) delivered to a customer, with the warranty frozen at delivery
    (docs/delivery-records.md, docs/warranty.md)."""

    _name = "aftersales.delivery.record"
    _description = "Delivery Record"
    _inherit = [
        "mail.thread", "mail.activity.mixin", "aftersales.rma.mixin", "aftersales.protected.fields.mixin",
        "aftersales.portal.fields.mixin",
    ]
    _portal_readable_fields = (
        "acceptance_date", "acceptance_note", "accepted_by", "aftersales_channel", "aftersales_rma_count",
        "channel_extension_months", "company_id", "delivery_date", "delivery_partner_id", "extended_warranty_months",
        "is_accepted", "lot_id", "move_id", "move_line_id", "partner_id", "picking_id", "product_categ_id",
        "product_id", "product_uom_id", "promised_date", "qty_returned", "qty_with_customer", "quantity",
        "replaced_record_id", "rma_line_ids", "sale_line_id", "sale_order_id", "signature", "under_warranty",
        "warranty_end_date", "warranty_months", "warranty_start_date",
    )
    _aftersales_rma_links = (("aftersales.rma.line", "delivery_record_id", "rma_id"),)
    _order = "delivery_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["lot_id", "picking_id", "sale_order_id", "product_id"]
    _frozen_fields = (
        *DELIVERY_TERMS, "company_id", "delivery_partner_id", "sale_order_id", "sale_line_id", "picking_id",
        "move_id", "move_line_id", "replaced_record_id",
    )

    # Fields -----------------------------------------------------------------------------------

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        help="The commercial entity the unit was delivered to.",
    )
    delivery_partner_id = fields.Many2one("res.partner", string="Delivery Address", check_company=True)
    aftersales_channel = fields.Selection(related="partner_id.aftersales_channel", string="Sales Channel")
    sale_order_id = fields.Many2one("sale.order", index="btree_not_null", check_company=True)
    sale_line_id = fields.Many2one("sale.order.line", string="Sale Order Line", index="btree_not_null")
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    product_categ_id = fields.Many2one(
        related="product_id.categ_id", string="Product Category", store=True, precompute=True
    )
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", index="btree_not_null", check_company=True)
    quantity = fields.Float(digits="Product Unit", required=True, default=1.0)
    qty_returned = fields.Float(
        string="Returned Quantity",
        digits="Product Unit",
        compute="_compute_qty_returned",
        store=True,
        precompute=True,
        help="Quantity the customer sent back through a return of this delivery.",
    )
    qty_with_customer = fields.Float(
        string="With the Customer",
        digits="Product Unit",
        compute="_compute_qty_with_customer",
        store=True,
        help="Quantity the customer still has: delivered, less what came back to us for good.",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit of Measure")
    delivery_date = fields.Date(
        required=True,
        index=True,
        default=lambda self: self.env.company._aftersales_today(),
        help="Day the goods left for the customer, in the company's time zone.",
    )
    picking_id = fields.Many2one("stock.picking", string="Delivery", index="btree_not_null", readonly=True)
    move_id = fields.Many2one("stock.move", string="Stock Move", index="btree_not_null", readonly=True)
    move_line_id = fields.Many2one("stock.move.line", readonly=True, index="btree_not_null")

    warranty_policy_id = fields.Many2one("aftersales.warranty.policy", check_company=True, readonly=True)
    warranty_months = fields.Integer(
        string="Warranty (Months)", readonly=True, help="Duration of the policy, frozen at delivery."
    )
    channel_extension_months = fields.Integer(
        string="Channel Extension (Months)",
        readonly=True,
        help="Distributor / agent extension, frozen at delivery.",
    )
    extended_warranty_months = fields.Integer(
        string="Extended Warranty (Months)",
        compute="_compute_extended_warranty_months",
        store=True,
        precompute=True,
        help="Longest extended warranty sold on the sale order of this delivery.",
    )
    warranty_start_date = fields.Date()
    warranty_end_date = fields.Date(
        compute="_compute_warranty_end_date",
        store=True,
        precompute=True,
        index=True,
        help="Last day the unit is covered.",
    )
    under_warranty = fields.Boolean(compute="_compute_under_warranty", string="Under Warranty Today")

    promised_date = fields.Date(help="Commitment date of the sale order, or the deadline of the move.")
    is_late = fields.Boolean(string="Late", compute="_compute_lateness", store=True, precompute=True)
    delay_days = fields.Integer(
        string="Days Late", compute="_compute_lateness", store=True, precompute=True, aggregator="avg"
    )
    lateness_reason = fields.Char(tracking=True)

    document_type_ids = fields.Many2many("aftersales.document.type", string="Documents Handed Over")
    accepted_by = fields.Char(tracking=True, help="Name of the person who accepted the goods for the customer.")
    acceptance_date = fields.Date(tracking=True)
    acceptance_note = fields.Text(string="Acceptance Remarks")
    is_accepted = fields.Boolean(string="Accepted", compute="_compute_is_accepted", store=True, precompute=True)
    signature = fields.Image(related="picking_id.signature", string="Customer Signature")
    replaced_record_id = fields.Many2one(
        "aftersales.delivery.record",
        string="Replacement Of",
        readonly=True,
        index="btree_not_null",
        help="The unit this one replaced under an RMA.",
    )
    rma_line_ids = fields.One2many(
        "aftersales.rma.line", "delivery_record_id", string="RMA Lines",
        groups="aftersales_service.group_aftersales_user,base.group_portal",
    )
    can_correct = fields.Boolean(compute="_compute_can_correct", help="Whether you may correct the warranty terms.")
    service_history = fields.Html(
        compute="_compute_service_history", sanitize=False,
        help="Everything that happened to the unit and to the units it replaced, oldest first.",
    )

    # The customer's own lists (portal, visits, returns) read the units still with them (docs/delivery-records.md §4).
    _with_customer_idx = models.Index("(partner_id, delivery_date DESC, id DESC) WHERE qty_with_customer > 0")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("lot_id", "picking_id", "product_id")
    @api.depends_context("uid")
    def _compute_display_name(self):
        """The names of the delivery, product and lot; a customer on the portal, who reads none of them, knows a unit
        by its product and serial (docs/portal.md §2)."""
        customer = self.env.user.share
        for record, record_sudo in zip(self, self.sudo()):
            parts = [record_sudo.product_id.display_name, record_sudo.lot_id.name]
            if not customer:
                parts.insert(0, record_sudo.picking_id.name)
            record.display_name = " / ".join(part for part in parts if part)

    # The returns of the record's move change it too: they mark the records of their lots only, through
    # _returns_changed, not every record of the delivery.
    @api.depends("move_id")
    def _compute_qty_returned(self):
        """Returned quantity: the customer's done returns of the record's move, less what was sent back
        to the customer as is, matched by lot (docs/delivery-records.md §4).

        Only the records of the lots that came back are walked, and a quantity that does not change is not written
        again: recomputing every record of a delivery of thousands costs as little as it can (benchmark P8)."""
        # The stored quantities are read first, so that assigning an unchanged one writes nothing.
        self.fetch(["move_id", "lot_id", "quantity", "qty_returned"])
        returned = self._stock_returns()
        for record in self:
            record.qty_returned = returned.get(record.id, 0.0)

    # As the returned quantity, marked by the returns of the move's lots (_returns_changed).
    @api.depends(
        "quantity",
        "move_id",
        "rma_line_ids.qty_received",
        "rma_line_ids.decision",
        "rma_line_ids.rma_id.state",
        "rma_line_ids.scrap_id.state",
    )
    def _compute_qty_with_customer(self):
        """What the customer still has of the unit: delivered, less what came back for good, by a return made
        outside an RMA and not sent back, or received on an RMA whose refund, replacement or scrap was processed
        (docs/delivery-records.md §4). As for the returned quantity, an unchanged quantity is not written again."""
        self.fetch(["move_id", "lot_id", "quantity", "qty_with_customer"])
        plain = self._stock_returns(plain=True)
        for record in self:
            kept = sum(line.qty_received for line in record.rma_line_ids if line._keeps_unit())
            record.qty_with_customer = max(record.quantity - plain.get(record.id, 0.0) - kept, 0.0)

    @api.model
    def _returns_changed(self, move_lines, counted=None):
        """Named hook of the stock moves: the done lines ``move_lines`` of a customer's return, or of the transfer
        sending it back, changed what came back of their delivery; ``counted``, the records they counted before an
        edit. Only the records of their lots are recomputed: a return of ten units of a delivery of thousands touches
        ten records (docs/delivery-records.md §4, benchmark P8)."""
        records_sudo = self._returned_records(move_lines) | (counted or self.browse()).sudo()
        for name in ("qty_returned", "qty_with_customer"):
            self.env.add_to_compute(self._fields[name], records_sudo)

    @api.model
    def _returned_records(self, move_lines):
        """The records (sudo) of the lots of ``move_lines``, of the delivery each line's move brings back or sends
        back to the customer (docs/delivery-records.md §4)."""
        domains = []
        for move, lines in move_lines.grouped("move_id").items():
            delivery = move._aftersales_returned_delivery()
            if delivery:
                domains.append(Domain("move_id", "=", delivery.id) & Domain("lot_id", "in", lines.lot_id.ids or [False]))
        return self.sudo().search(Domain.OR(domains)) if domains else self.sudo()

    def _stock_returns(self, plain=False):
        """``{record id: quantity}`` the customer sent back by done returns of each record's move, less what was sent
        back to the customer, for the records of the lots that came back; with ``plain``, by the returns made
        outside an RMA only (docs/delivery-records.md §4)."""
        result = {}
        for move, records in self.filtered("move_id").grouped("move_id").items():
            returned = self._returned_by_lot(move, plain)
            back = records.filtered(lambda record, returned=returned: record.lot_id in returned)
            if not back:
                continue
            # A lot's returns go to the move's records of that lot in creation order, those of other batches too.
            computing = set(back.ids)
            siblings_sudo = self.sudo().search_fetch(
                [("move_id", "=", move.id), ("lot_id", "in", list({record.lot_id.id for record in back}))],
                ["lot_id", "quantity"], order="id",
            )
            for lot_sudo, lot_records_sudo in siblings_sudo.grouped("lot_id").items():
                left = returned[lot_sudo]
                for record_sudo in lot_records_sudo:
                    quantity = min(max(left, 0.0), record_sudo.quantity)
                    left -= quantity
                    if record_sudo.id in computing:
                        result[record_sudo.id] = quantity
        return result

    @api.model
    def _returned_by_lot(self, move, plain=False):
        """What the customer returned of ``move`` per lot, in the product's unit: their done returns less what was
        sent back to them; with ``plain``, the returns made outside an RMA only (docs/delivery-records.md §4)."""
        returned = defaultdict(float)
        for back in move.returned_move_ids.filtered(
            lambda m: m.state == "done" and m.location_id.usage == "customer" and not (plain and m.aftersales_rma_line_id)
        ):
            resent = back.returned_move_ids.filtered(lambda m: m.state == "done" and m.location_dest_id.usage == "customer")
            for line, sign in [(line, 1) for line in back.move_line_ids] + [(line, -1) for line in resent.move_line_ids]:
                returned[line.lot_id] += sign * line.product_uom_id._compute_quantity(line.quantity, line.product_id.uom_id)
        return returned

    @api.depends(
        "sale_order_id.order_line.aftersales_warranty_extension_months",
        "sale_order_id.order_line.product_uom_qty",
    )
    def _compute_extended_warranty_months(self):
        for record in self:
            record.extended_warranty_months = self._order_extension_months(record.sale_order_id)

    @api.depends("warranty_start_date", "warranty_months", "channel_extension_months", "extended_warranty_months")
    def _compute_warranty_end_date(self):
        for record in self:
            record.warranty_end_date = self._warranty_end(
                record.warranty_start_date,
                record.warranty_months,
                record.channel_extension_months,
                record.extended_warranty_months,
            )

    @api.depends("warranty_start_date", "warranty_end_date")
    def _compute_under_warranty(self):
        for record in self:
            today = record.company_id._aftersales_today()
            record.under_warranty = bool(
                record.warranty_end_date and record.warranty_start_date <= today <= record.warranty_end_date
            )

    @api.depends("delivery_date", "promised_date")
    def _compute_lateness(self):
        for record in self:
            record.update(lateness(record.delivery_date, record.promised_date))

    @api.depends("acceptance_date")
    def _compute_is_accepted(self):
        for record in self:
            record.is_accepted = bool(record.acceptance_date)

    def _compute_service_history(self):
        """The unit's timeline, read in one query (docs/recalls.md §1)."""
        history = self.env["aftersales.unit.history"]
        for record in self:
            # A record being typed in has no history yet.
            record.service_history = history._render(record) if record.id else False

    @api.depends_context("uid")
    def _compute_can_correct(self):
        self.can_correct = self.env.user.has_group(MANAGER_GROUP)

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("quantity")
    def _check_quantity(self):
        """A delivery record holds a positive quantity (docs/delivery-records.md §1)."""
        if any(record.quantity <= 0 for record in self):
            raise ValidationError(self.env._("A delivery record needs a quantity greater than zero."))

    @api.constrains("warranty_months", "channel_extension_months")
    def _check_warranty_months(self):
        """A unit is covered for at least a month; an extension is never negative (docs/warranty.md §1)."""
        if any(record.warranty_months < 1 or record.channel_extension_months < 0 for record in self):
            raise ValidationError(self.env._(
                "A delivered unit is covered for at least one month, and its extension cannot be negative."
            ))

    @api.constrains("warranty_start_date", "delivery_date")
    def _check_warranty_start(self):
        """Warranty starts on the delivery date or later, unless a replacement continues it (docs/warranty.md §4)."""
        for record in self:
            if (
                record.warranty_start_date
                and record.warranty_start_date < record.delivery_date
                and not record.replaced_record_id
            ):
                raise ValidationError(self.env._("The warranty cannot start before the delivery date."))

    @api.constrains("acceptance_date", "delivery_date")
    def _check_acceptance_date(self):
        """The customer accepts goods on or after their delivery (docs/delivery-records.md §3)."""
        for record in self:
            if record.acceptance_date and record.acceptance_date < record.delivery_date:
                raise ValidationError(
                    self.env._("%(unit)s cannot be accepted before it was delivered.", unit=record.display_name)
                )

    @api.constrains("lot_id", "product_id")
    def _check_lot_product(self):
        """A serial or lot number is of the record's product (docs/delivery-records.md §1)."""
        for record in self:
            self._check_lot_of_product(record.lot_id, record.product_id)

    @api.model
    def _check_lot_of_product(self, lot, product):
        """Refuse a serial or lot number of another product than ``product``: delivery records, RMA lines and
        complaints name a unit by both."""
        if lot and product and lot.product_id != product:
            raise ValidationError(self.env._(
                "%(lot)s is a number of %(product)s, not of %(expected)s.",
                lot=lot.name, product=lot.product_id.display_name, expected=product.display_name,
            ))

    # CRUD -------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        self._fill_warranty_terms(vals_list)
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_returned_or_claimed(self):
        """A unit that came back or is on an RMA keeps its delivery record (docs/delivery-records.md §2)."""
        kept = self.filtered(lambda record: record.qty_returned or record.rma_line_ids)
        if kept:
            raise UserError(self.env._(
                "%(units)s came back or are on an RMA: their delivery records are kept.",
                units=", ".join(kept.mapped("display_name")),
            ))

    # Actions ----------------------------------------------------------------------------------

    def action_create_rma(self):
        """Start an RMA for these units, prefilled (docs/rma.md §2)."""
        return self.env["aftersales.rma"]._action_create_for(self)

    def action_open_warranty_check(self):
        """Open the warranty check wizard on this unit."""
        self.ensure_one()
        if not self.lot_id:
            return self.env["aftersales.warranty.check.wizard"]._action_open(
                {"default_partner_id": self.partner_id.id, "default_product_id": self.product_id.id}
            )
        # The serial is the question: the answer fills in the customer and the product (docs/warranty.md §5).
        return self.env["aftersales.warranty.check.wizard"]._action_open({"default_lot_name": self.lot_id.name})

    def action_correct_terms(self):
        """A manager corrects the warranty terms, giving the reason (docs/delivery-records.md §2)."""
        self.ensure_one()
        self._check_can("can_correct")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Correct Warranty Terms"),
            "res_model": "aftersales.delivery.record.correction",
            "view_mode": "form",
            "target": "new",
            "context": {"default_record_id": self.id},
        }

    # Business rules: creation and terms -------------------------------------------------------

    @api.model
    def _order_extension_months(self, order):
        """Extended warranty: the longest extension sold on the order (docs/warranty.md §3)."""
        months = [line.aftersales_warranty_extension_months for line in order.order_line if line.product_uom_qty > 0]
        return max(months, default=0)

    @api.model
    def _warranty_end(self, start_date, *months):
        """Warranty end = start + policy + channel + extended months − 1 day (docs/warranty.md §4)."""
        total = sum(months)
        if not (start_date and total):
            return False
        return self.env["aftersales.warranty.policy"]._warranty_end_date(start_date, total)

    @api.model
    def _fill_warranty_terms(self, vals_list):
        """Freeze the applicable policy, its months and the start date on new records (docs/warranty.md §1)."""
        todo = [
            vals for vals in vals_list
            if "warranty_months" not in vals and vals.get("product_id") and vals.get("partner_id")
        ]
        for vals in todo:
            vals["company_id"] = vals.get("company_id") or self.env.company.id
            vals["delivery_date"] = vals.get("delivery_date") or (
                self.env["res.company"].browse(vals["company_id"])._aftersales_today()
            )
        policy_model = self.env["aftersales.warranty.policy"]
        products = self.env["product.product"].browse({vals["product_id"] for vals in todo})
        partners = self.env["res.partner"].browse({vals["partner_id"] for vals in todo})
        unmatched = [vals for vals in todo if not vals.get("warranty_policy_id")]
        matches = {
            company_id: policy_model._match_products(products, self.env["res.company"].browse(company_id))
            for company_id in {vals["company_id"] for vals in unmatched}
        }
        for vals in todo:
            policy = policy_model.browse(vals.get("warranty_policy_id")) or matches[vals["company_id"]][
                products.browse(vals["product_id"])
            ]
            months, extension = policy._months_for(partners.browse(vals["partner_id"]))
            vals.update(
                warranty_policy_id=policy.id,
                warranty_months=months,
                channel_extension_months=extension,
            )
            vals["warranty_start_date"] = vals.get("warranty_start_date") or vals["delivery_date"]

    @api.model
    def _create_from_move_lines(self, move_lines_sudo):
        """One delivery record per done move line that left for a customer, in one INSERT
        (docs/delivery-records.md §1)."""
        vals_list = self._prepare_values_from_move_lines(move_lines_sudo)
        return self._insert_rows(vals_list) if vals_list else self.browse()

    @api.model
    def _prepare_values_from_move_lines(self, move_lines):
        """The complete rows of the delivery records of ``move_lines``: every stored field, the computed ones with
        the values their computes give, from the same helpers (docs/delivery-records.md §1)."""
        vals_list = []
        extension_months = {}  # per order: its lines are read once, not once per unit
        for line in move_lines:
            move = line.move_id
            order = move.sale_line_id.order_id
            partner = move.picking_id.partner_id or move.partner_id or order.partner_shipping_id
            if not partner or line.product_uom_id.is_zero(line.quantity):
                continue
            company = move.company_id
            delivery_date = company._aftersales_date(move.date)
            promised_date = company._aftersales_date(order.commitment_date or move.date_deadline)
            if order not in extension_months:
                extension_months[order] = self._order_extension_months(order)
            quantity = line.product_uom_id._compute_quantity(line.quantity, line.product_id.uom_id)
            vals_list.append(
                {
                    "company_id": company.id,
                    "partner_id": partner.commercial_partner_id.id,
                    "delivery_partner_id": partner.id,
                    "sale_order_id": order.id,
                    "sale_line_id": move.sale_line_id.id,
                    "product_id": line.product_id.id,
                    "product_categ_id": line.product_id.categ_id.id,
                    "lot_id": line.lot_id.id,
                    "quantity": quantity,
                    "qty_returned": 0.0,  # the goods have only just left
                    "qty_with_customer": quantity,
                    "delivery_date": delivery_date,
                    "promised_date": promised_date,
                    **lateness(delivery_date, promised_date),
                    "picking_id": move.picking_id.id,
                    "move_id": move.id,
                    "move_line_id": line.id,
                    "is_accepted": False,
                    "extended_warranty_months": extension_months[order],
                    "replaced_record_id": False,
                    **self._prepare_replacement_terms(move),
                }
            )
        self._fill_warranty_terms(vals_list)
        for vals in vals_list:
            vals["warranty_end_date"] = self._warranty_end(
                vals["warranty_start_date"],
                vals["warranty_months"],
                vals["channel_extension_months"],
                vals["extended_warranty_months"],
            )
        return vals_list

    @api.model
    def _bulk_insert_left_empty(self):
        """The stored fields a unit starts without, which the bulk insert leaves empty: its acceptance and the
        documents handed over (§3), the reason it was late. They have no default. An addon that adds such a field
        to the delivery records adds it here; every other stored field is one the inserted rows give
        (docs/delivery-records.md §1)."""
        return {"accepted_by", "acceptance_date", "acceptance_note", "document_type_ids", "lateness_reason"}

    @api.model
    def _bulk_insert_fields(self):
        """The stored fields every row of the bulk insert gives: all of them but the id and the log columns the
        insert fills, those left empty (:meth:`_bulk_insert_left_empty`) and the one2manys, which the records on
        their other side hold."""
        return {
            name for name, field in self._fields.items()
            if field.store and field.type != "one2many" and name not in ("id", *LOG_COLUMNS)
        } - self._bulk_insert_left_empty()

    @api.model
    def _insert_rows(self, vals_list):
        """Insert complete rows in one statement, with the checks ``create`` would make
        (docs/delivery-records.md §1).

        A delivery's validation is the hot path (benchmark P1): the ORM's ``create`` costs about
        a millisecond a unit and one INSERT per hundred rows; this costs one INSERT in all.

        **Every stored field is inserted.** Each row gives every field of :meth:`_bulk_insert_fields`; a row that
        leaves one out is refused, naming it, before anything is inserted, so that a stored field added later
        cannot stay silently empty. The stored computed fields are inserted too, with the values their computes
        give, and never recomputed after the insert: one rule for every field, and no second write of the rows.

        **What ``create`` does that this skips, and why that is safe here:**

        - our ``create``: the warranty terms (:meth:`_fill_warranty_terms`). The rows come with them;
        - the protected-fields mixin's ``create``: its refusal of workflow and computed fields given by a client.
          These rows are the workflow's own;
        - Odoo's ``create``: the default values, of the fields and of ``ir.default``. The rows give every field
          but the ones left empty, which have none; the access rights: the hook runs as superuser; the company
          check record by record: :meth:`_check_company_in_bulk` makes the same check once per company and field;
          the precomputed fields: they are given;
        - ``mail.thread``'s ``create``: the creator and the automatic followers, the "created" message and the
          tracking of the first values. Nobody follows a unit: its history starts with the delivery, which the
          transfer's chatter holds, and its tracked fields (acceptance, reason for lateness) start empty.

        **What it does as ``create`` would:** mark the new rows as modified, so that what depends on them is
        recomputed; invalidate the inverse one2manys; run the Python constraints and the company check.
        """
        required = self._bulk_insert_fields()
        missing = set().union(*(required - vals.keys() for vals in vals_list))
        if missing:
            raise ValueError(
                f"Delivery records inserted in bulk leave out stored fields: {', '.join(sorted(missing))}. Give them "
                "in every row, or add those a unit starts without to _bulk_insert_left_empty()."
            )
        columns = sorted(set().union(*vals_list))
        columns_fields = [self._fields[name] for name in columns]
        now = self.env.cr.now()
        rows = [
            tuple(
                [field.convert_to_column_insert(vals.get(field.name, False), self, vals) for field in columns_fields]
                + [self.env.uid, now, self.env.uid, now]
            )
            for vals in vals_list
        ]
        self.env.cr.execute(SQL(
            "INSERT INTO %s (%s) VALUES %s RETURNING id",
            SQL.identifier(self._table),
            SQL(", ").join(map(SQL.identifier, columns + LOG_COLUMNS)),
            SQL(", ").join(rows),
        ))
        records = self.browse(row_id for row_id, in self.env.cr.fetchall())
        computed = [field for field in self._fields.values() if field.store and field.compute]
        with self.env.protecting(computed, records):
            records.modified(columns, create=True)
        for field in columns_fields:
            for inverse in self.pool.field_inverses[field]:
                self.env[inverse.model_name].invalidate_model([inverse.name])
        records._validate_fields(columns)
        records._check_company_in_bulk()
        return records

    def _check_company_in_bulk(self):
        """What ``_check_company`` checks on create, once per company and field instead of once per record: the
        linked records' companies depend on the record's company only. Odoo's own check words the error."""
        names = [
            name for name, field in self._fields.items()
            if field.relational and field.check_company and not field.company_dependent
        ]
        for company, records in self.grouped("company_id").items():
            for name in names:
                linked_sudo = records.sudo()[name].with_context(active_test=False)
                domain = linked_sudo and linked_sudo._check_company_domain(company)
                if domain and linked_sudo != linked_sudo.filtered_domain(domain):
                    wrong_sudo = linked_sudo - linked_sudo.filtered_domain(domain)
                    records.filtered(
                        lambda record, name=name, wrong_sudo=wrong_sudo: record.sudo()[name] & wrong_sudo
                    )._check_company(
                        [name]
                    )

    @api.model
    def _prepare_replacement_terms(self, move):
        """A replacement unit's warranty restarts, or continues the replaced unit's, per company setting
        (docs/rma.md §7)."""
        replaced = move.aftersales_rma_line_id.delivery_record_id
        if not replaced or move.aftersales_rma_line_id.decision != "replace":
            return {}
        if move.company_id.aftersales_replacement_warranty == "restart":
            return {"replaced_record_id": replaced.id}
        return {
            "replaced_record_id": replaced.id,
            "warranty_policy_id": replaced.warranty_policy_id.id,
            "warranty_months": replaced.warranty_months,
            "channel_extension_months": replaced.channel_extension_months,
            "warranty_start_date": replaced.warranty_start_date,
        }

    def _correct_terms(self, vals, reason):
        """Correct the warranty terms: managers only, with the reason in the chatter (docs/delivery-records.md §2)."""
        self._check_manager_fields(set(vals))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for the correction."))
        unknown = set(vals) - set(DELIVERY_TERMS)
        if unknown:
            raise UserError(self.env._("Only the delivery and warranty terms can be corrected here."))
        for record in self:
            changes = {
                name: value for name, value in vals.items()
                if record._fields[name].convert_to_cache(value, record)
                != record._fields[name].convert_to_cache(record[name], record)
            }
            if not changes:
                continue
            before = {name: record._term_label(name) for name in changes}
            record._workflow().write(changes)
            record.message_post(body=self.env._(
                "Warranty terms corrected by %(user)s: %(changes)s. Reason: %(reason)s",
                user=self.env.user.name,
                changes="; ".join(
                    f"{self._fields[name]._description_string(self.env)} {before[name]} → {record._term_label(name)}"
                    for name in changes
                ),
                reason=reason.strip(),
            ))

    def _fields_to_correct(self):
        """The warranty terms as they are, for the correction form."""
        self.ensure_one()
        return {name: self._fields[name].convert_to_write(self[name], self) for name in DELIVERY_TERMS}

    def _term_label(self, name):
        """A warranty term as the chatter shows it."""
        value = self[name]
        if isinstance(value, models.BaseModel):
            return value.display_name or "-"
        if name in ("delivery_date", "promised_date", "warranty_start_date"):
            return format_date(self.env, value) or "-"
        return str(value)

    # Business rules: returns ------------------------------------------------------------------

    def _lock_for_claim(self):
        """Claims of a unit take turns (docs/rma.md §2, docs/security.md §5): a unit another user is claiming at
        this moment refuses the second claim, and a claim committed since this transaction began is not missed.

        The rows are rewritten as they are, in one statement that skips a row another transaction holds: other
        documents may still point to the unit meanwhile, and a claimer whose transaction began before this one
        commits fails to lock the new row version, so that Odoo starts that request again, where it sees this
        claim."""
        if not self:
            return
        locked = self.env.execute_query(SQL(
            """UPDATE aftersales_delivery_record SET write_date = write_date
                WHERE id IN (SELECT id FROM aftersales_delivery_record WHERE id IN %s FOR NO KEY UPDATE SKIP LOCKED)
            RETURNING id""",
            tuple(self.ids),
        ))
        if len(locked) < len(self):
            raise UserError(self.env._(
                "%(units)s is being claimed by someone else at this moment; try again.",
                units=", ".join(self.mapped("display_name")),
            ))

    def _returnable_quantity(self, excluding=None):
        """Delivered − returned − claimed on open RMAs (docs/rma.md §2)."""
        self.ensure_one()
        others = self.rma_line_ids - (excluding or self.env["aftersales.rma.line"])
        return self.quantity - self.qty_returned - others._pending_quantity()[self]

    def _rma_line_commands(self):
        """One RMA line per unit of these records that can still come back (docs/rma.md §2)."""
        return [
            fields.Command.create(self.env["aftersales.rma.line"]._prepare_values_from_record(record, quantity))
            for record in self
            if (quantity := record._returnable_quantity()) > 0
        ]


    # Business rules: the customer portal ------------------------------------------------------

    @api.model
    def _portal_search_domain(self, search=None):
        """Units whose serial or lot number contains ``search`` (docs/portal.md §2). Lots are not the customer's
        to read: they are looked up for them."""
        if not (search or "").strip():
            return Domain.TRUE
        return Domain("lot_id", "in", self.env["stock.lot"].sudo()._search([("name", "ilike", search.strip())]))

    def _portal_open_documents(self):
        """The open RMAs and complaints of each unit, in two queries for a page of one customer's units
        (docs/portal.md §2): ``{record: (RMAs, complaints)}``."""
        # The unit's customer's own: a unit given to another customer by a correction keeps its past to itself.
        customers = self.sudo().partner_id.ids
        lines_sudo = self.env["aftersales.rma.line"].sudo().search_fetch([
            ("delivery_record_id", "in", self.ids), ("rma_id.partner_id", "in", customers),
            ("rma_id.state", "not in", ("done", "cancel")),
        ], ["delivery_record_id", "rma_id"])
        complaints_sudo = self.env["aftersales.complaint"].sudo().search_fetch([
            ("delivery_record_id", "in", self.ids), ("partner_id", "in", customers),
            ("state", "in", ("new", "acknowledged", "investigating", "resolved")),
        ], ["delivery_record_id", "name"])
        rmas = lines_sudo.grouped("delivery_record_id")
        feedback = complaints_sudo.grouped("delivery_record_id")
        empty_lines_sudo, empty_complaints_sudo = lines_sudo.browse(), complaints_sudo.browse()
        return {
            record_sudo: (
                rmas.get(record_sudo, empty_lines_sudo).rma_id, feedback.get(record_sudo, empty_complaints_sudo)
            )
            for record_sudo in self.sudo()
        }

    def _portal_recalls(self):
        """The recalls the customer was told of for this unit: its recall units, with their notices
        (docs/recalls.md §5)."""
        self.ensure_one()
        return self.env["aftersales.recall.unit"].sudo().search([
            ("delivery_record_id", "=", self.id), ("partner_id", "=", self.sudo().partner_id.id),
            ("notice_id", "!=", False), ("recall_id.state", "!=", "cancel"),
        ])

    def _portal_warranty(self):
        """The unit's warranty today, in words; a unit that came back to us for good has none left
        (docs/portal.md §2)."""
        self.ensure_one()
        record_sudo = self.sudo()
        if not record_sudo.qty_with_customer:
            return {"state": "returned", "reason": self.env._(
                "This unit came back to us for good: it is no longer covered for you. Its history stays below."
            )}
        return record_sudo._warranty_verdict(record_sudo.company_id._aftersales_today())

    # Business rules: warranty check -----------------------------------------------------------

    @api.model
    def _void_reason_labels(self):
        """Causes that void a warranty (docs/warranty.md §6)."""
        return {
            "misuse": self.env._("customer misuse"),
            "disassembly": self.env._("unauthorised disassembly"),
            "modification": self.env._("unauthorised modification"),
            "external_damage": self.env._("external damage not caused by us"),
        }

    @api.model
    @api.readonly
    def check_warranty(self, lot=None, product=None, partner=None, on_date=None, proof_date=None, void_reasons=None,
                       company=None):
        """Warranty check: is it ours, is it covered on the claim date, is it void (docs/warranty.md §5).

        :param lot: a ``stock.lot`` record or a serial / lot number
        :param product: ``product.product``; with ``partner``, used when no serial is given
        :param partner: the customer making the claim
        :param on_date: the claim date (default: today in the company's time zone)
        :param proof_date: date on a proof of purchase, standing in for a missing delivery record
        :param void_reasons: keys of :meth:`_void_reason_labels` found at inspection
        :param company: whose policies a proof of purchase is judged by (default: the current company)
        :return: dict with ``state``, ``record``, ``start_date``, ``end_date`` and ``reason``

        Read-only: a replica may serve it (docs/README.md, read-only entry points).
        """
        on_date = fields.Date.to_date(on_date) or (company or self.env.company)._aftersales_today()
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
        start, end = self._proof_warranty_period(lots.product_id[:1] or product, partner, proof_date, company)
        origin = self.env._(
            "No delivery record; the proof of purchase dated %(date)s stands in for the delivery date.",
            date=format_date(self.env, proof_date),
        )
        return dict(result, start_date=start, end_date=end, **self._judge_period(start, end, on_date, voids, origin))

    def _warranty_verdict(self, on_date, void_reasons=()):
        """The warranty answer for this delivered unit on ``on_date`` (docs/warranty.md §5)."""
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
        """Bad input to a warranty check is refused with a clear message (docs/warranty.md §5)."""
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
        """The lots a typed serial number names, in any case and without the spaces around it, narrowed to the
        product when one is given (docs/warranty.md §5)."""
        if not lot or not isinstance(lot, str):
            return lot or self.env["stock.lot"]
        lots = self.env["stock.lot"]
        domain = lots._aftersales_serial_domain(lot)
        if product:
            domain &= Domain("product_id", "=", product.id)
        return lots.search(domain)

    @api.model
    def _find_for_check(self, lots, product, partner, on_date):
        """The delivery of the unit (or of the product to the customer) on or before the claim date whose warranty
        ends last."""
        domain = [("delivery_date", "<=", on_date)]
        if lots:
            domain.append(("lot_id", "in", lots.ids))
        else:
            domain.append(("product_id", "=", product.id))
            if partner:
                domain.append(("partner_id", "=", partner.commercial_partner_id.id))
        return self.search_fetch(domain, CHECK_FIELDS, order="warranty_end_date desc, id desc", limit=1)

    @api.model
    def _proof_warranty_period(self, product, partner, proof_date, company=None):
        """A proof of purchase stands in for the delivery date, under the company's policies (docs/warranty.md §7)."""
        policy_model = self.env["aftersales.warranty.policy"]
        policy_sudo = policy_model._match_products(product, company or self.env.company)[product]
        months, extension = policy_sudo._months_for(partner or self.env["res.partner"])
        return proof_date, policy_model._warranty_end_date(proof_date, months + extension)

    @api.model
    def _judge_period(self, start_date, end_date, on_date, voids, origin):
        """Void beats the period; then the claim date is inside [start, end] or not (docs/warranty.md §5)."""
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
