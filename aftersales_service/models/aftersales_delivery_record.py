from collections import defaultdict

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# What the database fills for every row.
LOG_COLUMNS = ["create_uid", "create_date", "write_uid", "write_date"]


def local_date(utc_datetime, tz):
    """A UTC datetime as a date in the timezone ``tz`` (SPEC 1: the delivery's day for the validating user)."""
    return utc_datetime and pytz.utc.localize(utc_datetime).astimezone(tz).date()


def lateness(delivery_date, promised_date):
    """On-time delivery: days late when delivered after the promised date (SPEC 1)."""
    delay = (delivery_date - promised_date).days if promised_date else 0
    return {"is_late": delay > 0, "delay_days": max(delay, 0)}


class AftersalesDeliveryRecord(models.Model):
    _name = "aftersales.delivery.record"
    _description = "Delivery Record"
    _inherit = ["mail.thread", "mail.activity.mixin", "aftersales.rma.mixin"]
    _order = "delivery_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["lot_id", "picking_id", "sale_order_id", "product_id"]

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        check_company=True,
        help="The commercial entity the unit was delivered to.",
    )
    delivery_partner_id = fields.Many2one(
        "res.partner", string="Delivery Address", check_company=True
    )
    aftersales_channel = fields.Selection(related="partner_id.aftersales_channel", string="Sales Channel")
    sale_order_id = fields.Many2one(
        "sale.order", index="btree_not_null", check_company=True
    )
    sale_line_id = fields.Many2one("sale.order.line", string="Sale Order Line", index="btree_not_null")
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    product_categ_id = fields.Many2one(
        related="product_id.categ_id", string="Product Category", store=True, precompute=True
    )
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", index="btree_not_null", check_company=True
    )
    quantity = fields.Float(digits="Product Unit", required=True, default=1.0)
    qty_returned = fields.Float(
        string="Returned Quantity",
        digits="Product Unit",
        compute="_compute_qty_returned",
        store=True,
        precompute=True,
        help="Quantity the customer sent back through a return of this delivery.",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    delivery_date = fields.Date(
        required=True,
        index=True,
        default=fields.Date.context_today,
        help="Day the goods left for the customer, in the timezone of the user who validated the delivery.",
    )
    picking_id = fields.Many2one("stock.picking", string="Delivery", index="btree_not_null", readonly=True)
    move_id = fields.Many2one("stock.move", string="Stock Move", index="btree_not_null", readonly=True)
    move_line_id = fields.Many2one("stock.move.line", readonly=True, index="btree_not_null")

    warranty_policy_id = fields.Many2one(
        "aftersales.warranty.policy", check_company=True, readonly=True
    )
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

    document_type_ids = fields.Many2many(
        "aftersales.document.type", string="Documents Handed Over"
    )
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
    rma_line_ids = fields.One2many("aftersales.rma.line", "delivery_record_id", string="RMA Lines")

    @api.constrains("quantity")
    def _check_quantity(self):
        """A delivery record holds a positive quantity (SPEC 1)."""
        if any(record.quantity <= 0 for record in self):
            raise ValidationError(self.env._("A delivery record needs a quantity greater than zero."))

    @api.constrains("warranty_start_date", "delivery_date")
    def _check_warranty_start(self):
        """Warranty starts on the delivery date or later, unless a replacement continues it (SPEC 2, 3)."""
        for record in self:
            if (
                record.warranty_start_date
                and record.warranty_start_date < record.delivery_date
                and not record.replaced_record_id
            ):
                raise ValidationError(self.env._("The warranty cannot start before the delivery date."))

    @api.constrains("acceptance_date", "delivery_date")
    def _check_acceptance_date(self):
        """The customer accepts goods on or after their delivery (SPEC 1)."""
        for record in self:
            if record.acceptance_date and record.acceptance_date < record.delivery_date:
                raise ValidationError(
                    self.env._("%(unit)s cannot be accepted before it was delivered.", unit=record.display_name)
                )

    @api.depends("lot_id", "picking_id", "product_id")
    def _compute_display_name(self):
        for record in self:
            parts = [record.picking_id.name, record.product_id.display_name, record.lot_id.name]
            record.display_name = " / ".join(part for part in parts if part)

    @api.depends(
        "move_id.returned_move_ids.state",
        "move_id.returned_move_ids.move_line_ids.quantity",
        "move_id.returned_move_ids.move_line_ids.lot_id",
        "move_id.returned_move_ids.returned_move_ids.state",
        "move_id.returned_move_ids.returned_move_ids.move_line_ids.quantity",
    )
    def _compute_qty_returned(self):
        """Returned quantity: the customer's done returns of the record's move, less what was sent back
        to the customer as is, matched by lot (SPEC 1, 3)."""
        self.qty_returned = 0.0
        for move, records in self.filtered("move_id").grouped("move_id").items():
            returned = defaultdict(float)
            for back in move.returned_move_ids.filtered(lambda m: m.state == "done" and m.location_id.usage == "customer"):
                resent = back.returned_move_ids.filtered(lambda m: m.state == "done" and m.location_dest_id.usage == "customer")
                for line, sign in [(line, 1) for line in back.move_line_ids] + [(line, -1) for line in resent.move_line_ids]:
                    returned[line.lot_id] += sign * line.product_uom_id._compute_quantity(line.quantity, line.product_id.uom_id)
            for record in records.sorted("id"):
                record.qty_returned = min(max(returned[record.lot_id], 0.0), record.quantity)
                returned[record.lot_id] -= record.qty_returned

    @api.depends(
        "sale_order_id.order_line.aftersales_warranty_extension_months",
        "sale_order_id.order_line.product_uom_qty",
    )
    def _compute_extended_warranty_months(self):
        for record in self:
            record.extended_warranty_months = self._order_extension_months(record.sale_order_id)

    @api.model
    def _order_extension_months(self, order):
        """Extended warranty: the longest extension sold on the order (SPEC 2)."""
        months = [line.aftersales_warranty_extension_months for line in order.order_line if line.product_uom_qty > 0]
        return max(months, default=0)

    @api.depends("warranty_start_date", "warranty_months", "channel_extension_months", "extended_warranty_months")
    def _compute_warranty_end_date(self):
        for record in self:
            record.warranty_end_date = self._warranty_end(
                record.warranty_start_date,
                record.warranty_months,
                record.channel_extension_months,
                record.extended_warranty_months,
            )

    @api.model
    def _warranty_end(self, start_date, *months):
        """Warranty end = start + policy + channel + extended months − 1 day (SPEC 2)."""
        total = sum(months)
        if not (start_date and total):
            return False
        return self.env["aftersales.warranty.policy"]._warranty_end_date(start_date, total)

    @api.depends_context("tz")
    @api.depends("warranty_start_date", "warranty_end_date")
    def _compute_under_warranty(self):
        today = fields.Date.context_today(self)
        for record in self:
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

    @api.model_create_multi
    def create(self, vals_list):
        self._fill_warranty_terms(vals_list)
        return super().create(vals_list)

    @api.model
    def _fill_warranty_terms(self, vals_list):
        """Freeze the applicable policy, its months and the start date on new records (SPEC 2)."""
        todo = [
            vals for vals in vals_list
            if "warranty_months" not in vals and vals.get("product_id") and vals.get("partner_id")
        ]
        for vals in todo:
            vals["delivery_date"] = vals.get("delivery_date") or fields.Date.context_today(self)
            vals["company_id"] = vals.get("company_id") or self.env.company.id
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
    def _create_from_move_lines(self, move_lines):
        """One delivery record per done move line that left for a customer, in one INSERT (SPEC 1)."""
        tz = pytz.timezone(self.env.user.tz or "UTC")
        vals_list = []
        extension_months = {}  # per order: its lines are read once, not once per unit
        for line in move_lines:
            move = line.move_id
            order = move.sale_line_id.order_id
            partner = move.picking_id.partner_id or move.partner_id or order.partner_shipping_id
            if not partner or line.product_uom_id.is_zero(line.quantity):
                continue
            delivery_date = local_date(move.date, tz)
            promised_date = local_date(order.commitment_date or move.date_deadline, tz)
            if order not in extension_months:
                extension_months[order] = self._order_extension_months(order)
            vals_list.append(
                {
                    "company_id": move.company_id.id,
                    "partner_id": partner.commercial_partner_id.id,
                    "delivery_partner_id": partner.id,
                    "sale_order_id": order.id,
                    "sale_line_id": move.sale_line_id.id,
                    "product_id": line.product_id.id,
                    "product_categ_id": line.product_id.categ_id.id,
                    "lot_id": line.lot_id.id,
                    "quantity": line.product_uom_id._compute_quantity(line.quantity, line.product_id.uom_id),
                    "qty_returned": 0.0,  # the goods have only just left
                    "delivery_date": delivery_date,
                    "promised_date": promised_date,
                    **lateness(delivery_date, promised_date),
                    "picking_id": move.picking_id.id,
                    "move_id": move.id,
                    "move_line_id": line.id,
                    "is_accepted": False,
                    "extended_warranty_months": extension_months[order],
                    **self._replacement_terms(move),
                }
            )
        if not vals_list:
            return self.browse()
        self._fill_warranty_terms(vals_list)
        for vals in vals_list:
            vals["warranty_end_date"] = self._warranty_end(
                vals["warranty_start_date"],
                vals["warranty_months"],
                vals["channel_extension_months"],
                vals["extended_warranty_months"],
            )
        return self._insert_rows(vals_list)

    @api.model
    def _insert_rows(self, vals_list):
        """Insert complete rows, stored computed fields included, in one statement.

        A delivery's validation is the hot path (benchmark P1): the ORM's ``create`` costs about
        a millisecond a unit and one INSERT per hundred rows; this costs one INSERT in all.
        """
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
        return records

    @api.model
    def _replacement_terms(self, move):
        """A replacement unit's warranty restarts, or continues the replaced unit's, per company setting
        (SPEC 3)."""
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

    def _returnable_quantity(self, excluding=None):
        """Delivered − returned − claimed on open RMAs (SPEC 3)."""
        self.ensure_one()
        others = self.rma_line_ids - (excluding or self.env["aftersales.rma.line"])
        return self.quantity - self.qty_returned - others._pending_quantity()[self]

    def _rma_line_commands(self):
        """One RMA line per unit of these records that can still come back (SPEC 3)."""
        return [
            fields.Command.create(self.env["aftersales.rma.line"]._values_from_record(record, quantity))
            for record in self
            if (quantity := record._returnable_quantity()) > 0
        ]

    def _aftersales_rma_domain(self):
        return [("line_ids.delivery_record_id", "in", self.ids)]

    def action_create_rma(self):
        """Start an RMA for these units, prefilled (SPEC 3)."""
        return self.env["aftersales.rma"]._action_create_for(self)

    def action_open_warranty_check(self):
        """Open the warranty check wizard on this unit."""
        self.ensure_one()
        return self.env["aftersales.warranty.check.wizard"]._action_open(
            {
                "default_lot_name": self.lot_id.name,
                "default_partner_id": self.partner_id.id,
                "default_product_id": self.product_id.id,
            }
        )
