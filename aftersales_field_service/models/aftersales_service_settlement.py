from collections import defaultdict

from psycopg2 import IntegrityError
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import LockError, UserError
from odoo.fields import Command
from odoo.tools import SQL, clean_context, format_amount

from ..selections import DONE_DISPATCH_STATES, SETTLEMENT_STATES
from .aftersales_service_point import MANAGER_GROUP, commit_batch
from .aftersales_service_settlement_line import LINE_AMOUNTS as AMOUNT_FIELDS


class AftersalesServiceSettlement(models.Model):
    """What we owe an outsourced point for a period (服务网点结算单): its visits done and signed by the customer, not
    settled before, priced by its rate card, less what it collected on site; confirmed, it is the point's vendor
    bill (docs/service-network.md §5)."""

    _name = "aftersales.service.settlement"
    _description = "Service Point Settlement"
    _inherit = ["aftersales.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _aftersales_sequence = ("aftersales.service.settlement", "SET/%(year)s/")
    _aftersales_sequence_date_field = "date_to"
    _deletable_states = ("draft", "cancel")
    _folded_states = ("confirmed", "cancel")
    _check_company_auto = True
    _workflow_fields = ("state", "bill_id", "confirmed_by_id", "visit_count", "amount_total", *AMOUNT_FIELDS)
    _frozen_fields = ("point_id", "date_from", "date_to", "partner_id")

    # Fields -----------------------------------------------------------------------------------

    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self._default_user(), check_company=True, index=True,
    )
    point_id = fields.Many2one(
        "aftersales.service.point", string="Service Point", required=True, index=True, check_company=True,
        domain="[('kind', '=', 'outsourced')]",
    )
    partner_id = fields.Many2one(
        string="Service Partner", compute="_compute_partner_id", store=True, readonly=True, precompute=True,
        domain=[],
    )
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    state = fields.Selection(
        SETTLEMENT_STATES, default="draft", required=True, readonly=True, copy=False, tracking=True, index=True,
        group_expand=True,
    )
    line_ids = fields.One2many("aftersales.service.settlement.line", "settlement_id", string="Visits", readonly=True)
    unsigned_order_ids = fields.Many2many(
        "aftersales.dispatch.order", compute="_compute_unsigned_order_ids", string="Not Signed",
        groups="aftersales_field_service.group_aftersales_dispatcher",
        help="The point's visits of the period the customer did not sign: left out until they are.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # The totals of the lines, written with them (docs/service-network.md §5).
    visit_count = fields.Integer(readonly=True, copy=False, string="Visits Settled")
    visit_fee = fields.Monetary(readonly=True, copy=False, string="Visit Fees")
    labour_amount = fields.Monetary(readonly=True, copy=False, string="Labour")
    travel_amount = fields.Monetary(readonly=True, copy=False, string="Travel")
    parts_amount = fields.Monetary(readonly=True, copy=False, string="Parts")
    collected = fields.Monetary(readonly=True, copy=False, string="Collected on Site")
    amount_total = fields.Monetary(readonly=True, copy=False, string="To Pay", aggregator="sum")
    bill_id = fields.Many2one("account.move", string="Vendor Bill", readonly=True, copy=False, index="btree_not_null")
    confirmed_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    can_collect = fields.Boolean(compute="_compute_can")
    can_confirm = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")

    _period_order = models.Constraint("CHECK (date_to >= date_from)", "A settlement period ends after it starts.")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("point_id")
    def _compute_partner_id(self):
        for settlement in self:
            settlement.partner_id = settlement.point_id.partner_id

    @api.depends("point_id", "date_from", "date_to")
    def _compute_unsigned_order_ids(self):
        for settlement in self:
            ready = settlement.point_id and settlement.date_from and settlement.date_to
            settlement.unsigned_order_ids = settlement._free_visits(signed=False) if ready else False

    @api.depends("state", "visit_count")
    @api.depends_context("uid")
    def _compute_can(self):
        """A manager collects and confirms drafts, and cancels a draft; a confirmed settlement is undone by cancelling
        its bill (docs/service-network.md §5)."""
        manager = self.env.user.has_group(MANAGER_GROUP)
        for settlement in self:
            draft = settlement.state == "draft" and manager
            settlement.can_collect = draft
            settlement.can_confirm = draft and bool(settlement.visit_count)
            settlement.can_cancel = draft

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("point_id")
    def _check_point(self):
        if any(settlement.point_id.kind != "outsourced" for settlement in self):
            raise UserError(self.env._("Only outsourced service points are settled."))

    # Actions ----------------------------------------------------------------------------------

    def action_collect(self):
        """The period's visits of the point, done, signed by the customer and not settled yet, each a line priced by
        the rate card; collected again, the draft follows what changed (docs/service-network.md §5). The lines are
        the settlement's own reckoning, which nobody writes by hand."""
        self._start_transition("can_collect")
        lines = self.env["aftersales.service.settlement.line"]
        for settlement in self:
            self._lock_point(settlement.point_id)
            values = settlement._prepare_line_values()
            lines._delete(settlement)
            lines._insert(settlement, values)
            settlement._workflow().write(settlement._prepare_totals(values))

    def action_confirm(self):
        """Confirmed by a manager: one vendor bill of the point, linked both ways (docs/service-network.md §5)."""
        self._start_locked_transition("can_confirm")
        for settlement in self:
            settlement._check_lines()
            # The bill is the settlement's, whatever defaults the caller's context carries.
            bill_sudo = self.env["account.move"].sudo().with_company(settlement.company_id).with_context(
                clean_context(self.env.context)
            ).create(settlement._prepare_bill_values())
            settlement._check_billed(bill_sudo)
            settlement._workflow().write({"state": "confirmed", "bill_id": bill_sudo.id, "confirmed_by_id": self.env.uid})
            settlement.message_post(body=self.env._("Vendor bill %(bill)s created.", bill=bill_sudo._get_html_link()))

    def action_cancel(self):
        """A draft cancelled: its visits are free for the next settlement (docs/service-network.md §5)."""
        self._start_locked_transition("can_cancel")
        self._cancel()

    def action_view_bill(self):
        self.ensure_one()
        return self._action_documents("account.move", self.bill_id, self.env._("Vendor Bill"))

    # Business rules ---------------------------------------------------------------------------

    def _free_visits(self, signed=True):
        """The point's visits done in the period and not in a settlement that stands, signed by the customer or not
        (docs/service-network.md §5)."""
        self.ensure_one()
        start, end = self.company_id._aftersales_utc_days(self.date_from, self.date_to)
        return self.env["aftersales.dispatch.order"].search([
            ("service_point_id", "=", self.point_id.id), ("state", "in", DONE_DISPATCH_STATES),
            ("checkout_date", ">=", start), ("checkout_date", "<", end),
            ("signed_on", "!=" if signed else "=", False),
            ("settlement_line_ids", "not any", [("cancelled", "=", False), ("settlement_id", "!=", self._origin.id)]),
        ], order="checkout_date, id")

    @api.model
    def _lock_point(self, point):
        """One settlement of a point is prepared at a time: a second worker is told, not left to wait
        (docs/service-network.md §7)."""
        try:
            point.lock_for_update(allow_referencing=True)
        except LockError:
            raise UserError(self.env._(
                "%(point)s is being settled by someone else at this moment; try again.", point=point.name
            )) from None

    def _prepare_line_values(self):
        """One line per free signed visit: fee, labour, travel and consignment parts by the rate card, less the fee
        collected on site (docs/service-network.md §5). Two queries and one read per service type, whatever the
        number of visits."""
        self.ensure_one()
        visits = self._free_visits()
        visits.fetch(["service_type", "labour_hours", "travel_distance", "fee_collected"])
        parts = self._consignment_parts_cost(visits)
        rates = {rate.service_type: rate for rate in self.point_id.rate_ids}
        lines = self.env["aftersales.service.settlement.line"]
        missing = set(visits.mapped("service_type")) - set(rates)
        if missing:
            labels = dict(visits._fields["service_type"]._description_selection(self.env))
            raise UserError(self.env._(
                "%(point)s: its rate card has no rate for %(services)s.",
                point=self.point_id.name, services=", ".join(sorted(labels[kind] for kind in missing)),
            ))
        round_ = self.currency_id.round
        values_list = []
        for visit in visits:
            amounts = rates[visit.service_type]._prepare_settlement_amounts(
                visit.labour_hours, visit.travel_distance, parts.get(visit.id, 0.0)
            )
            # Each amount in cents, as its bill line will say it.
            values = {
                "order_id": visit.id, **{name: round_(amount) for name, amount in amounts.items()},
                "labour_hours": visit.labour_hours, "collected": round_(visit.fee_collected),
            }
            values_list.append({**values, "amount": round_(lines._prepare_amount(values))})
        return values_list

    def _prepare_totals(self, values_list):
        """The settlement's totals of its lines' values (docs/service-network.md §5); pure."""
        self.ensure_one()
        round_ = self.currency_id.round
        totals = {name: round_(sum(values[name] for values in values_list)) for name in AMOUNT_FIELDS}
        return {
            "visit_count": len(values_list),
            "amount_total": round_(self.env["aftersales.service.settlement.line"]._prepare_amount(totals)),
            **totals,
        }

    def _consignment_parts_cost(self, visits):
        """Per visit, the cost of the parts its on-site repairs took from the point's consignment stock
        (docs/service-network.md §5)."""
        location = self.point_id.location_id
        if not visits or not location:
            return {}
        rows = self.env.execute_query(SQL(
            """SELECT line.order_id, move.product_id, move.product_uom, SUM(move.quantity)
               FROM aftersales_dispatch_line line
               JOIN stock_move move ON move.repair_id = line.repair_id
               JOIN stock_location source ON source.id = move.location_id
               WHERE line.order_id = ANY(%s) AND move.repair_line_type = 'add' AND move.state = 'done'
                 AND source.parent_path LIKE %s
               GROUP BY line.order_id, move.product_id, move.product_uom""",
            visits.ids, f"{location.parent_path}%",
        ))
        products = self.env["product.product"].with_company(self.company_id).browse({row[1] for row in rows})
        uoms = self.env["uom.uom"].browse({row[2] for row in rows})
        costs = defaultdict(float)
        for order_id, product_id, uom_id, quantity in rows:
            product = products.browse(product_id)
            # The cost is per the product's own unit; the moves count in theirs.
            costs[order_id] += uoms.browse(uom_id)._compute_quantity(quantity, product.uom_id) * product.standard_price
        return costs

    def _check_lines(self):
        """Confirming needs visits, still what the period's visits and the rate card give, a total that is not
        negative and the company's settlement product (docs/service-network.md §5)."""
        self.ensure_one()
        if not self.visit_count:
            raise UserError(self.env._("%(settlement)s has no visit to settle.", settlement=self.name))
        lines = self.env["aftersales.service.settlement.line"]
        if self._line_snapshot(self._prepare_line_values()) != self._line_snapshot(lines._read_lines(self)):
            raise UserError(self.env._(
                "%(settlement)s: its visits or their amounts changed since they were collected; collect them again "
                "and check them before confirming.", settlement=self.name,
            ))
        if self.currency_id.compare_amounts(self.amount_total, 0) < 0:
            raise UserError(self.env._(
                "%(settlement)s: the point collected %(collected)s on site, more than it is owed; settle it with a "
                "refund from the point instead.", settlement=self.name,
                collected=format_amount(self.env, self.collected, self.currency_id),
            ))
        if not self.company_id.aftersales_settlement_product_id:
            raise UserError(self.env._(
                "%(company)s has no product for service point settlements: set it in the After-Sales settings.",
                company=self.company_id.name,
            ))

    def _line_snapshot(self, lines):
        """What the lines say, comparable whatever their source: visit → rounded amounts."""
        currency = self.currency_id
        return {
            line["order_id"]: tuple(currency.round(line[name]) for name in AMOUNT_FIELDS) + (line["labour_hours"],)
            for line in lines
        }

    def _prepare_bill_values(self):
        """The point's vendor bill: one line per kind of amount, the collected fees deducted
        (docs/service-network.md §5)."""
        self.ensure_one()
        product = self.company_id.aftersales_settlement_product_id
        labels = {name: self._fields[name]._description_string(self.env) for name in AMOUNT_FIELDS}
        lines = []
        for name in AMOUNT_FIELDS:
            amount = -self[name] if name == "collected" else self[name]
            if not self.currency_id.is_zero(amount):
                lines.append(Command.create({
                    "product_id": product.id, "quantity": 1, "price_unit": amount,
                    "name": self.env._("%(settlement)s: %(label)s", settlement=self.name, label=labels[name]),
                }))
        return {
            "move_type": "in_invoice",
            "partner_id": self.partner_id.id,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
            "ref": self.name,
            "invoice_origin": self.name,
            "invoice_line_ids": lines,
        }

    def _check_billed(self, bill):
        """The bill pays the point, in the company's currency and before taxes, what the settlement says
        (docs/service-network.md §5)."""
        self.ensure_one()
        if bill.partner_id.commercial_partner_id != self.partner_id or bill.currency_id != self.currency_id or (
            self.currency_id.compare_amounts(bill.amount_untaxed, self.amount_total)
        ):
            raise UserError(self.env._(
                "%(settlement)s: the bill pays %(partner)s %(billed)s for %(amount)s; make them agree.",
                settlement=self.name, partner=bill.partner_id.name,
                billed=format_amount(self.env, bill.amount_untaxed, bill.currency_id),
                amount=format_amount(self.env, self.amount_total, self.currency_id),
            ))

    def _bill_cancelled(self):
        """The bill cancelled or deleted: the settlement is cancelled and its visits are free again
        (docs/service-network.md §5)."""
        self._lock_for_transition()
        self.filtered(lambda settlement: settlement.state == "confirmed")._cancel()

    def _cancel(self):
        """Cancelled, the settlement lets its visits go: their lines no longer hold them (docs/service-network.md
        §5)."""
        self._workflow().write({"state": "cancel"})
        # The lines are the settlement's own; whoever cancels it frees them.
        self.line_ids.sudo().write({"cancelled": True})

    @api.model
    def _prepare_for(self, point, date_from, date_to):
        """A draft settlement of ``point`` for the period with its free signed visits; none when there is none
        (docs/service-network.md §5)."""
        self._lock_point(point)
        settlement = self.create({
            "point_id": point.id, "company_id": point.company_id.id, "date_from": date_from, "date_to": date_to,
        })
        settlement.action_collect()
        if not settlement.visit_count:
            settlement.unlink()
            return self
        return settlement

    @api.model
    def _cron_prepare_month(self):
        """Monthly: a draft settlement of last month for each outsourced point with visits to settle, a point at a time
        and committed; a point another worker settles is skipped (docs/service-network.md §5, §7)."""
        points = self.env["aftersales.service.point"].search([("kind", "=", "outsourced")])
        for point in points:
            if not point.try_lock_for_update(allow_referencing=True):
                continue
            # Last month as the point's company counts its days.
            date_to = point.company_id._aftersales_today().replace(day=1) - timedelta(days=1)
            date_from = date_to.replace(day=1)
            try:
                with self.env.cr.savepoint():
                    self._prepare_for(point, date_from, date_to)
            except (UserError, IntegrityError) as error:
                # Another worker settled the point meanwhile, or its card misses a rate: the others go on.
                point.message_post(body=self.env._(
                    "The settlement of %(month)s could not be prepared: %(error)s",
                    month=date_from.strftime("%Y-%m"), error=error.args[0] if isinstance(error, UserError) else (
                        self.env._("its visits are being settled by someone else")
                    ),
                ))
            commit_batch(self.env, 1)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Settlement %(settlement)s", settlement=self.name)
