import ast
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..selections import (
    FINAL_RECALL_UNIT_STATES, RECALL_CLASSES, RECALL_ORIGINS, RECALL_PRIORITIES, RECALL_REMEDIES, RECALL_STATES,
)
from .aftersales_protected_fields_mixin import MANAGER_GROUP

# A serial as people write ranges of them: a prefix, then the number that counts (docs/recalls.md §2).
SERIAL_NUMBER = re.compile(r"^(.*?)(\d+)$")
# What separates the ends of a range, and the pieces of a list.
RANGE_DASHES = re.compile(r"\s*(?:-|–|~|\.\.)\s*")
LIST_SEPARATORS = re.compile(r"[,;，；\n]+")
# The quotes around a serial that contains a dash: opening → closing.
QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}


class AftersalesRecall(models.Model):
    """A recall campaign: a defect found in units already delivered, the units it reaches, the customers told,
    the remedies made and what it costs (docs/recalls.md)."""

    _name = "aftersales.recall"
    _description = "Recall Campaign"
    _inherit = ["aftersales.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _rec_names_search = ["name", "title"]
    _aftersales_sequence = ("aftersales.recall", "RCL/%(year)s/")
    _check_company_auto = True
    _folded_states = ("closed", "cancel")
    _deletable_states = ("draft", "cancel")
    _workflow_fields = ("state", "approved_by_id", "approved_date", "scoped_on", "closed_on", "escalated_on")
    _manager_fields = (
        "close_reason", "product_ids", "serial_ranges", "lot_created_from", "lot_created_to", "delivered_from",
        "delivered_to", "remedy", "remediate_by", "budget",
    )
    _locked_fields = {
        "can_edit_scope": (
            "product_ids", "serial_ranges", "lot_created_from", "lot_created_to", "delivered_from", "delivered_to",
        ),
        "can_edit_campaign": ("remedy",),
    }

    # Fields -----------------------------------------------------------------------------------

    partner_id = fields.Many2one(
        string="Reported By", required=False,
        help="The supplier or authority whose notice started the recall; empty for our own finding.",
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self._default_user(), tracking=True,
        check_company=True, index=True,
    )
    title = fields.Char(required=True, tracking=True, translate=True)
    defect_description = fields.Html(string="Defect", help="What is wrong, how it shows, what it may cause.")
    origin = fields.Selection(RECALL_ORIGINS, default="internal", required=True, tracking=True)
    classification = fields.Selection(RECALL_CLASSES, default="quality", required=True, tracking=True)
    priority = fields.Selection(RECALL_PRIORITIES, default="0", tracking=True)
    remedy = fields.Selection(RECALL_REMEDIES, default="repair_on_site", required=True, tracking=True)
    customer_instructions = fields.Html(
        translate=True, help="What the customer reads in the notice and on the portal: what to do until the remedy.",
    )
    remediate_by = fields.Date(tracking=True)
    corrective_action_id = fields.Many2one(
        "aftersales.corrective.action", string="From Corrective Action", check_company=True, index="btree_not_null",
    )
    state = fields.Selection(
        RECALL_STATES, group_expand=True, default="draft", required=True, readonly=True, copy=False, tracking=True,
        index=True,
    )
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)
    closed_on = fields.Date(readonly=True, copy=False)
    close_reason = fields.Text(
        string="Reason for Closing", copy=False, tracking=True,
        help="Why the recall is closed although some units still wait: a manager's decision.",
    )
    escalated_on = fields.Date(readonly=True, copy=False, help="The last day the overdue units were escalated.")

    # Scope
    product_ids = fields.Many2many("product.product", string="Products", check_company=True)
    serial_ranges = fields.Text(
        string="Serial / Lot Numbers",
        help="Lists and ranges as you write them: A100-A150, A200, B7. Numbers compare as numbers (SN9 comes before "
             "SN10); a range written with leading zeros (A0100-A0150) takes serials of that width only. Put a serial "
             "that contains a dash between quotes: \"SN-100\".",
    )
    lot_created_from = fields.Date(string="Lots Made From")
    lot_created_to = fields.Date(string="Lots Made To")
    delivered_from = fields.Date()
    delivered_to = fields.Date()
    scoped_on = fields.Datetime(string="Units Found On", readonly=True, copy=False)

    unit_ids = fields.One2many("aftersales.recall.unit", "recall_id", string="Units")
    notice_ids = fields.One2many("aftersales.recall.notice", "recall_id", string="Notices")

    # Figures
    unit_count = fields.Integer(string="Affected Units", compute="_compute_figures")
    applicable_count = fields.Integer(compute="_compute_figures")
    remedied_count = fields.Integer(string="Remedied", compute="_compute_figures")
    waiting_count = fields.Integer(string="Still Waiting", compute="_compute_figures")
    stock_count = fields.Integer(string="In Our Stock", compute="_compute_figures")
    excluded_count = fields.Integer(string="Left Out", compute="_compute_figures")
    customer_count = fields.Integer(string="Customers", compute="_compute_figures")
    overdue_count = fields.Integer(string="Past Due", compute="_compute_figures")
    completion = fields.Float(string="Completion (%)", compute="_compute_figures", digits=(5, 1))

    # Costs
    currency_id = fields.Many2one(related="company_id.currency_id")
    budget = fields.Monetary(tracking=True)
    cost_parts = fields.Monetary(string="Parts", tracking=True)
    cost_labour = fields.Monetary(string="Labour", tracking=True)
    cost_freight = fields.Monetary(string="Freight", tracking=True)
    cost_compensation = fields.Monetary(string="Compensation", tracking=True)
    cost_total = fields.Monetary(string="Cost to Date", compute="_compute_cost_total")

    can_edit_scope = fields.Boolean(compute="_compute_can")
    can_edit_campaign = fields.Boolean(compute="_compute_can")
    can_find_units = fields.Boolean(compute="_compute_can")
    can_approve = fields.Boolean(compute="_compute_can")
    can_notify = fields.Boolean(compute="_compute_figures", help="Some units at customers were not told yet.")
    can_create_remedies = fields.Boolean(
        compute="_compute_figures", help="Some units at customers wait for their remedy's document.",
    )
    can_close = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")

    _dates_in_order = models.Constraint(
        "CHECK ((lot_created_from IS NULL OR lot_created_to IS NULL OR lot_created_from <= lot_created_to) AND "
        "(delivered_from IS NULL OR delivered_to IS NULL OR delivered_from <= delivered_to))",
        "A date range of the scope ends before it starts.",
    )
    _costs_not_negative = models.Constraint(
        "CHECK (coalesce(budget, 0) >= 0 AND coalesce(cost_parts, 0) >= 0 AND coalesce(cost_labour, 0) >= 0 AND "
        "coalesce(cost_freight, 0) >= 0 AND coalesce(cost_compensation, 0) >= 0)",
        "The budget and the costs of a recall cannot be negative.",
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("unit_ids.state", "unit_ids.placement", "remediate_by", "state", "remedy")
    def _compute_figures(self):
        """The recall's figures in three queries whatever its size: completion is remedied over the units at
        customers that the remedy applies to; who is still to be told or given a remedy shows the buttons that do it
        (docs/recalls.md §5-§7)."""
        units = self.env["aftersales.recall.unit"]
        counts = {
            (recall, placement, state): count
            for recall, placement, state, count in units._read_group(
                [("recall_id", "in", self.ids)], ["recall_id", "placement", "state"], ["__count"],
            )
        }
        customers = dict(units._read_group(
            [("recall_id", "in", self.ids), ("placement", "=", "customer")], ["recall_id"], ["partner_id:count_distinct"],
        ))
        overdue = dict(units._read_group(units._overdue_domain() & Domain("recall_id", "in", self.ids),
                                         ["recall_id"], ["__count"]))
        for recall in self:
            mine = {(placement, state): count for (rec, placement, state), count in counts.items() if rec == recall}
            at_customers = {state: count for (placement, state), count in mine.items() if placement == "customer"}
            recall.unit_count = sum(at_customers.values())
            recall.applicable_count = recall.unit_count - at_customers.get("not_applicable", 0)
            recall.remedied_count = at_customers.get("remedied", 0)
            recall.waiting_count = sum(
                count for state, count in at_customers.items() if state not in FINAL_RECALL_UNIT_STATES
            )
            recall.stock_count = sum(count for (placement, _state), count in mine.items() if placement == "stock")
            recall.excluded_count = sum(count for (placement, _state), count in mine.items() if placement == "excluded")
            recall.customer_count = customers.get(recall, 0)
            recall.overdue_count = overdue.get(recall, 0)
            recall.completion = recall.applicable_count and 100.0 * recall.remedied_count / recall.applicable_count
            running = recall.state in ("approved", "in_progress")
            recall.can_notify = running and bool(at_customers.get("identified"))
            recall.can_create_remedies = running and recall.remedy != "notice" and any(
                at_customers.get(state) for state in ("identified", "notified", "acknowledged")
            )

    @api.depends("cost_parts", "cost_labour", "cost_freight", "cost_compensation")
    def _compute_cost_total(self):
        for recall in self:
            recall.cost_total = recall.cost_parts + recall.cost_labour + recall.cost_freight + recall.cost_compensation

    @api.depends("state", "scoped_on", "remedy")
    @api.depends_context("uid")
    def _compute_can(self):
        """What can be done with the recall now: the buttons shown and the actions' own guards
        (docs/recalls.md §4)."""
        manager = self.env.user.has_group(MANAGER_GROUP)
        for recall in self:
            state = recall.state
            recall.can_edit_scope = state == "draft"
            recall.can_edit_campaign = state in ("draft", "approved")
            recall.can_find_units = state == "draft"
            recall.can_approve = state == "draft" and bool(recall.scoped_on) and manager
            recall.can_close = state in ("approved", "in_progress")
            recall.can_cancel = state in ("draft", "approved", "in_progress")

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("serial_ranges")
    def _check_serial_ranges(self):
        """The serials are written so that they can be read (docs/recalls.md §2)."""
        for recall in self:
            self._parse_serial_ranges(recall.serial_ranges)

    # Actions ----------------------------------------------------------------------------------

    def action_find_units(self):
        """Find the units the scope reaches, again from the delivery records (docs/recalls.md §3)."""
        self._start_locked_transition("can_find_units")
        for recall in self:
            recall._find_units()
        return True

    def action_approve(self):
        """A manager approves the recall as scoped (docs/recalls.md §4)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only an After-Sales manager can approve a recall."))
        self._start_locked_transition(
            "can_approve", self.env._("Find the units of the recall before approving it."),
        ).write({"state": "approved", "approved_by_id": self.env.uid, "approved_date": fields.Datetime.now()})

    def action_notify(self):
        """Tell each customer of the units not told yet: one e-mail per customer listing their units, with the link
        to the notice on the portal (docs/recalls.md §5)."""
        self._start_running_transition("can_notify", self.env._("Every customer of these recalls has been told already."))
        for recall in self:
            recall._notify_units(recall.unit_ids.filtered(
                lambda unit: unit.placement == "customer" and unit.state == "identified"
            ))
        return True

    def action_create_remedies(self):
        """The remedy documents of the units still waiting, in bulk (docs/recalls.md §7)."""
        self._start_running_transition(
            "can_create_remedies", self.env._("Every unit of these recalls already has its remedy, or needs none."),
        )
        for recall in self:
            recall.unit_ids._create_remedies()
        return True

    def _start_running_transition(self, can_field, message):
        """A transition of a running recall: its row locked, then refused with the state, or with ``message`` when
        the recall runs but has nothing left for it."""
        self._lock_for_transition()
        self.invalidate_recordset(["unit_ids", can_field])
        stopped = self.filtered(lambda recall: recall.state not in ("approved", "in_progress"))
        stopped._check_can(can_field)
        self._check_can(can_field, message)

    def action_close(self):
        """Closed when every unit is in a final state, else only by a manager who writes why (docs/recalls.md §4)."""
        self._start_locked_transition("can_close")
        for recall in self:
            if recall.waiting_count and not (recall.close_reason or "").strip():
                raise UserError(self.env._(
                    "%(recall)s: %(count)s units still wait for their remedy. A manager closes it only with the "
                    "reason written in Reason for Closing.", recall=recall.name, count=recall.waiting_count,
                ))
            recall._workflow().write({"state": "closed", "closed_on": recall.company_id._aftersales_today()})

    def action_cancel(self):
        self._start_locked_transition("can_cancel").write({"state": "cancel"})

    def _prepare_write_stamps(self, vals):
        """A scope changed voids the units found: they are to be found again before the approval
        (docs/recalls.md §3)."""
        stamps = super()._prepare_write_stamps(vals)
        if self._field_locks()["can_edit_scope"] & set(vals):
            stamps["scoped_on"] = False
        return stamps

    def action_print_status(self):
        return self.env.ref("aftersales_service.action_report_recall_status").report_action(self)

    def action_view_units(self):
        self.ensure_one()
        return self._action_units(self.env._("Units of %(recall)s", recall=self.name), [("placement", "=", "customer")])

    def action_view_stock_units(self):
        self.ensure_one()
        return self._action_units(self.env._("Units in Our Stock"), [("placement", "=", "stock")])

    def action_view_excluded_units(self):
        self.ensure_one()
        return self._action_units(self.env._("Units Left Out"), [("placement", "=", "excluded")])

    def action_view_progress(self):
        """Progress by customer and region (docs/recalls.md §6)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales_service.action_aftersales_recall_progress")
        action["domain"] = list(Domain(ast.literal_eval(action["domain"])) & Domain("recall_id", "=", self.id))
        return action

    def _action_units(self, name, domain):
        return {
            "type": "ir.actions.act_window",
            "res_model": "aftersales.recall.unit",
            "name": name,
            "view_mode": "list,form",
            "domain": [("recall_id", "=", self.id), *domain],
            "context": {"create": False, "default_recall_id": self.id},
        }

    def _status_by_customer(self):
        """The units at each customer, remedied and waiting, in one query: the status report's table
        (docs/recalls.md §6)."""
        self.ensure_one()
        rows = {}
        for customer, state, count in self.env["aftersales.recall.unit"]._read_group(
            [("recall_id", "=", self.id), ("placement", "=", "customer"), ("state", "!=", "not_applicable")],
            ["partner_id", "state"], ["__count"],
        ):
            row = rows.setdefault(customer, {"partner": customer, "units": 0, "remedied": 0, "waiting": 0})
            row["units"] += count
            row["remedied"] += count if state == "remedied" else 0
            row["waiting"] += count if state not in FINAL_RECALL_UNIT_STATES else 0
        for row in rows.values():
            row["completion"] = 100.0 * row["remedied"] / row["units"]
        return sorted(rows.values(), key=lambda row: (-row["waiting"], row["partner"].display_name or ""))

    # Business rules: scope --------------------------------------------------------------------

    @api.model
    def _parse_serial_ranges(self, text):
        """Read a list of serials and ranges as people write them (``A100-A150, A200, B7``): ``(names, ranges)``,
        the single names in upper case, each range ``(prefix, first, last, width)`` with ``width`` the number of
        digits a zero-padded range requires, else 0 (docs/recalls.md §2). Bad input raises a clear error."""
        names, ranges = [], []
        for piece in LIST_SEPARATORS.split(text or ""):
            piece = piece.strip()
            if not piece:
                continue
            if len(piece) > 1 and QUOTES.get(piece[0]) == piece[-1]:
                names.append(piece[1:-1].strip().upper())
                continue
            if piece[0] in QUOTES:
                raise ValidationError(self.env._("«%(piece)s»: a quote is not closed.", piece=piece))
            found = self._parse_serial_range(piece)
            if found:
                ranges.append(found)
            else:
                names.append(piece.upper())
        return names, ranges

    @api.model
    def _parse_serial_range(self, piece):
        """The range ``piece`` writes, or None for a single serial. Every dash is tried as the range's: the one whose
        two ends share their prefix wins, ``A100-150`` takes the first end's prefix."""
        splits = [(piece[:match.start()], piece[match.end():]) for match in RANGE_DASHES.finditer(piece)]
        mismatched = None
        for first, last in splits:
            first_match, last_match = SERIAL_NUMBER.match(first), SERIAL_NUMBER.match(last)
            if not (first_match and last_match):
                continue
            prefix, first_digits = first_match.groups()
            last_prefix, last_digits = last_match.groups()
            if last_prefix and last_prefix.upper() != prefix.upper():
                mismatched = mismatched or (prefix, last_prefix)
                continue
            return self._prepare_serial_range(piece, prefix, first_digits, last_digits)
        if mismatched:
            raise ValidationError(self.env._(
                "«%(piece)s»: both ends of a range start alike (%(first)s… and %(last)s… differ). Put a single serial "
                "that contains a dash between quotes.", piece=piece, first=mismatched[0], last=mismatched[1],
            ))
        return None

    @api.model
    def _prepare_serial_range(self, piece, prefix, first_digits, last_digits):
        padded = first_digits.startswith("0") and len(first_digits) > 1
        if padded and len(first_digits) != len(last_digits):
            raise ValidationError(self.env._(
                "«%(piece)s»: a range written with leading zeros has the same number of digits at both ends.",
                piece=piece,
            ))
        first, last = int(first_digits), int(last_digits)
        if first > last:
            raise ValidationError(self.env._("«%(piece)s»: the range ends before it starts.", piece=piece))
        return prefix.upper(), first, last, len(first_digits) if padded else 0

    def _lot_condition(self, lot_alias):
        """The SQL condition on ``lot_alias`` (a ``stock_lot`` row) of the recall's lots and lot dates; None when
        the scope names no lot (docs/recalls.md §2)."""
        self.ensure_one()
        lot = SQL.identifier(lot_alias)
        named = self._named_lot_conditions(lot)
        conditions = [SQL("(%s)", SQL(" OR ").join(named))] if named else []
        company = self.company_id
        if self.lot_created_from:
            conditions.append(SQL("%s.create_date >= %s", lot, company._aftersales_utc(
                fields.Datetime.to_datetime(self.lot_created_from))))
        if self.lot_created_to:
            conditions.append(SQL("%s.create_date < %s", lot, company._aftersales_utc(
                fields.Datetime.to_datetime(fields.Date.add(self.lot_created_to, days=1)))))
        return SQL(" AND ").join(conditions) if conditions else None

    def _named_lot_conditions(self, lot):
        """The lots the scope names, each a SQL condition on ``lot``: its serials and ranges; addons add theirs
        (docs/recalls.md §2)."""
        names, ranges = self._parse_serial_ranges(self.serial_ranges)
        name = SQL("upper(%s.name)", lot)
        serials = [SQL("%s IN %s", name, tuple(names))] if names else []
        for prefix, first, last, width in ranges:
            number = SQL("substr(%s, %s)", name, len(prefix) + 1)
            serials.append(SQL(
                "(%s LIKE %s AND CASE WHEN %s ~ '^[0-9]+$' THEN %s::numeric END BETWEEN %s AND %s%s)",
                name, re.sub(r"([\\%_])", r"\\\1", prefix) + "%", number, number, first, last,
                SQL(" AND length(%s) = %s", name, len(prefix) + width) if width else SQL(""),
            ))
        return serials

    def _find_units(self):
        """The recall's units, found again in three statements whatever their number: the delivery records of the
        scope, each at its customer or left out with the reason, and the lots of the scope in our own stock
        (docs/recalls.md §3)."""
        self.ensure_one()
        if not self.product_ids:
            raise UserError(self.env._("%(recall)s: choose the products it recalls.", recall=self.name))
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM aftersales_recall_unit WHERE recall_id = %s", self.id))
        lots = self._lot_condition("lot")
        stamps = SQL("%(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'", uid=self.env.uid)
        record_conditions = [
            SQL("record.company_id = %s", self.company_id.id),
            SQL("record.product_id IN %s", tuple(self.product_ids.ids)),
        ]
        if self.delivered_from:
            record_conditions.append(SQL("record.delivery_date >= %s", self.delivered_from))
        if self.delivered_to:
            record_conditions.append(SQL("record.delivery_date <= %s", self.delivered_to))
        if lots:
            record_conditions.append(lots)
        cr.execute(SQL("""
            INSERT INTO aftersales_recall_unit (
                recall_id, company_id, delivery_record_id, lot_id, product_id, partner_id, site_partner_id,
                country_id, state_id, quantity, placement, exclusion_reason, state, progress,
                create_uid, create_date, write_uid, write_date)
            SELECT %(recall)s, record.company_id, record.id, record.lot_id, record.product_id, record.partner_id,
                   coalesce(record.delivery_partner_id, record.partner_id), site.country_id, site.state_id,
                   record.qty_with_customer, CASE WHEN excluded.reason IS NULL THEN 'customer' ELSE 'excluded' END,
                   excluded.reason,
                   CASE WHEN excluded.reason IS NULL THEN 'identified' ELSE 'not_applicable' END, 0, %(stamps)s
              FROM aftersales_delivery_record record
         LEFT JOIN stock_lot lot ON lot.id = record.lot_id
              JOIN res_partner site ON site.id = coalesce(record.delivery_partner_id, record.partner_id)
         LEFT JOIN LATERAL (
                    SELECT CASE
                        WHEN EXISTS (SELECT 1 FROM aftersales_delivery_record replacement
                                      WHERE replacement.replaced_record_id = record.id) THEN 'replaced'
                        WHEN EXISTS (SELECT 1 FROM aftersales_rma_line line
                                       JOIN stock_scrap scrap ON scrap.id = line.scrap_id AND scrap.state = 'done'
                                      WHERE line.delivery_record_id = record.id) THEN 'scrapped'
                        WHEN record.qty_with_customer <= 0 THEN 'returned'
                    END AS reason
                   ) excluded ON TRUE
             WHERE %(conditions)s
        """, recall=self.id, stamps=stamps, conditions=SQL(" AND ").join(record_conditions)))
        if lots:
            cr.execute(SQL("""
                INSERT INTO aftersales_recall_unit (
                    recall_id, company_id, lot_id, product_id, location_id, quantity, placement, state, progress,
                    create_uid, create_date, write_uid, write_date)
                SELECT %(recall)s, %(company)s, quant.lot_id, quant.product_id, quant.location_id, sum(quant.quantity),
                       'stock', 'not_applicable', 0, %(stamps)s
                  FROM stock_quant quant
                  JOIN stock_location location ON location.id = quant.location_id AND location.usage = 'internal'
                  JOIN stock_lot lot ON lot.id = quant.lot_id
                 WHERE quant.company_id = %(company)s AND quant.product_id IN %(products)s AND %(lots)s
                   AND NOT location.parent_path LIKE coalesce(
                       (SELECT parent_path FROM stock_location WHERE id = %(quarantine)s), '-') || '%%'
              GROUP BY quant.lot_id, quant.product_id, quant.location_id
                HAVING sum(quant.quantity) > 0
            """, recall=self.id, company=self.company_id.id, products=tuple(self.product_ids.ids), lots=lots,
                quarantine=self.company_id.aftersales_quarantine_location_id.id or None, stamps=stamps))
        self.env["aftersales.recall.unit"].invalidate_model()
        self.invalidate_recordset(["unit_ids"])
        self._workflow().write({"scoped_on": fields.Datetime.now()})

    # Business rules: the customers ------------------------------------------------------------

    def _notify_units(self, units):
        """One notice per customer of ``units``, its e-mail queued; the units are notified (docs/recalls.md §5)."""
        self.ensure_one()
        if not units:
            return self.env["aftersales.recall.notice"]
        # The notice's e-mail is its first message: no creation note, nobody subscribed but its customer later.
        notices_sudo = self.env["aftersales.recall.notice"].sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True,
        ).create([
            {"recall_id": self.id, "partner_id": customer.id, "company_id": self.company_id.id}
            for customer in units.partner_id
        ])
        by_customer = {notice_sudo.partner_id: notice_sudo for notice_sudo in notices_sudo}
        today = self.company_id._aftersales_today()
        for customer, customer_units in units.grouped("partner_id").items():
            customer_units._workflow().write(
                {"state": "notified", "notice_id": by_customer[customer].id, "notified_on": today}
            )
        if self.state == "approved":
            self._workflow().write({"state": "in_progress"})
        notices_sudo._notify_customer("notice")
        return notices_sudo

    def _unit_started(self):
        """Hook of a unit's remedy document: the recall is in progress (docs/recalls.md §4)."""
        self.filtered(lambda recall: recall.state == "approved")._workflow().write({"state": "in_progress"})

    @api.model
    def _cron_escalate_overdue(self):
        """Every day: a recall whose units are past the remediate-by date gives its responsible a to-do, once a
        day (docs/recalls.md §6)."""
        units = self.env["aftersales.recall.unit"]
        overdue = units._read_group(units._overdue_domain(), ["recall_id"], ["__count"])
        for recall, count in overdue:
            today = recall.company_id._aftersales_today()
            if recall.escalated_on == today:
                continue
            recall.activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=today,
                user_id=(recall.user_id or recall.company_id._aftersales_assignee(self.env.user)).id,
                summary=self.env._("%(count)s units past the remediate-by date", count=count),
            )
            recall._workflow().write({"escalated_on": today})

    # Business rules: remedies -----------------------------------------------------------------

    def _prepare_rma_values(self, customer, records):
        """The RMA that brings ``records`` of ``customer`` back for the recall's remedy (docs/recalls.md §7)."""
        self.ensure_one()
        commands = records._rma_line_commands()
        if len(commands) != len(records):
            kept = records.filtered(lambda record: record._returnable_quantity() <= 0)
            raise UserError(self.env._(
                "%(units)s cannot come back for %(recall)s: already on an open return.",
                units=", ".join(kept.mapped("display_name")), recall=self.name,
            ))
        for command in commands:
            command[2]["recall_id"] = self.id
        return {
            "partner_id": customer.id,
            "company_id": self.company_id.id,
            "recall_id": self.id,
            "channel": "phone",
            "priority": "1" if self.priority != "0" else "0",
            "description": self.env._("Recall %(recall)s: %(title)s", recall=self.name, title=self.title),
            "line_ids": commands,
        }
