from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

# How each decision ends: the role of the transfer that settles it.
SETTLING_ROLE = {"replace": "replacement", "repair": "return", "return_as_is": "return", "reject": "return"}


class AftersalesRmaLine(models.Model):
    # A concept of its own, split off to keep the model's files small.
    _inherit = "aftersales.rma.line"  # pylint: disable=consider-merging-classes-inherited

    is_settled = fields.Boolean(compute="_compute_is_settled", help="Every document of the decision is done.")

    def _moves_of(self, role):
        return self.move_ids.filtered(lambda move: move.picking_id.aftersales_rma_role == role)

    def _received_move(self):
        """The done receipt move that brought the unit in."""
        self.ensure_one()
        return self._moves_of("receipt").filtered(lambda move: move.state == "done")[:1]

    @api.depends(
        "decision", "move_ids.state", "move_ids.picking_id.aftersales_rma_role", "repair_id.state", "scrap_id.state"
    )
    def _compute_is_settled(self):
        for line in self:
            if line.decision == "refund":
                line.is_settled = True
            elif line.decision == "scrap":
                line.is_settled = line.scrap_id.state == "done"
            else:
                moves = line._moves_of(SETTLING_ROLE.get(line.decision, ""))
                repaired = line.decision != "repair" or line.repair_id.state == "done"
                line.is_settled = bool(moves) and repaired and all(move.state == "done" for move in moves)

    # Receipts -------------------------------------------------------------------------------

    def _create_receipts(self):
        """Approval creates one return receipt per original delivery, with Odoo's return wizard (SPEC 3)."""
        groups = defaultdict(lambda: self.browse())
        for line in self:
            groups[line.rma_id, line.delivery_record_id.move_id.picking_id] |= line
        for (rma, delivery), lines in groups.items():
            rma_location = (delivery.picking_type_id.warehouse_id or rma._warehouse())._aftersales_rma_location()
            if delivery:
                receipt = lines.with_context(aftersales_return_location_id=rma_location.id)._return_through_wizard(
                    delivery, [line.delivery_record_id.move_id for line in lines]
                )
            else:
                receipt = lines._receive_without_delivery(rma_location)
                lines._reset_move_lines()
            receipt.write({"aftersales_rma_id": rma.id, "aftersales_rma_role": "receipt", "origin": rma.name})

    def _return_through_wizard(self, picking, origin_moves):
        """A return of ``picking`` with one move per unit (``origin_moves`` lists the move each unit
        left with), updating the sale order (to refund)."""
        wizard = self.env["stock.return.picking"].create({"picking_id": picking.id})
        wizard.product_return_moves = [fields.Command.clear()] + [
            fields.Command.create({
                "product_id": line.product_id.id,
                "quantity": line.product_uom_id._compute_quantity(line.quantity, origin_move.product_uom),
                "move_id": origin_move.id,
                "to_refund": True,
                "aftersales_rma_line_id": line.id,
            })
            for line, origin_move in zip(self, origin_moves)
        ]
        returned = wizard._create_return()
        # A new return unreserves the open returns of the same moves: every unit gets its line back.
        siblings = self.env["stock.move"].union(*origin_moves).move_dest_ids.filtered(
            lambda move: move.aftersales_rma_line_id and move.state not in ("done", "cancel")
        )
        siblings.aftersales_rma_line_id._reset_move_lines()
        return returned

    def _close_short_receipts(self):
        """Units still missing when their receipt closes (no backorder, cancelled) leave the approved RMA:
        a line keeps what came in, a unit that never came is removed, an RMA that got nothing is cancelled (SPEC 3)."""
        short = self.filtered(
            lambda line: line.rma_state == "confirmed"
            and all(move.state in ("done", "cancel") for move in line._moves_of("receipt"))
            and line.product_uom_id.compare(line.qty_received, line.quantity) < 0
        )
        for rma, lines in short.grouped("rma_id").items():
            rma.message_post(body=self.env._(
                "The receipt was closed without %(units)s: they are no longer part of this RMA.",
                units=", ".join(
                    f"{line.display_name} ({line.quantity - line.qty_received:g})" for line in lines
                ),
            ))
        never_came = short.filtered(lambda line: line.product_uom_id.is_zero(line.qty_received))
        for line in short - never_came:
            line.quantity = line.qty_received
        emptied = never_came.rma_id.filtered(lambda rma: not rma.line_ids - never_came)
        never_came.with_context(aftersales_unreceived=True).unlink()
        emptied.state = "cancel"

    def _receive_without_delivery(self, location):
        """Units we never delivered (not ours, legacy) come in on a plain receipt from the customer."""
        rma = self.rma_id
        warehouse = rma._warehouse()
        customers = self.env.ref("stock.stock_location_customers")
        receipt = self.env["stock.picking"].create({
            "picking_type_id": warehouse.in_type_id.id,
            "partner_id": rma.partner_id.id,
            "location_id": customers.id,
            "location_dest_id": location.id,
            "move_ids": [
                fields.Command.create({
                    "product_id": line.product_id.id,
                    "product_uom_qty": line.quantity,
                    "product_uom": line.product_uom_id.id,
                    "location_id": customers.id,
                    "location_dest_id": location.id,
                    "aftersales_rma_line_id": line.id,
                })
                for line in self
            ],
        })
        receipt.action_confirm()
        return receipt

    def _reset_move_lines(self):
        """The open moves of the units get one move line each, with the unit's own serial / lot number
        and the move's locations."""
        for move in self.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
            lot = move.aftersales_rma_line_id.lot_id
            line = move.move_line_ids
            if len(line) == 1 and line.lot_id == lot and line.quantity == move.product_uom_qty:
                continue
            if len(line) == 1 and line.quantity == move.product_uom_qty and move.location_id.usage != "internal":
                line.lot_id = lot
                continue
            move._do_unreserve()
            move.move_line_ids.unlink()
            self.env["stock.move.line"].create({
                "move_id": move.id,
                "picking_id": move.picking_id.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_uom.id,
                "lot_id": move.aftersales_rma_line_id.lot_id.id,
                "quantity": move.product_uom_qty,
                "location_id": move.location_id.id,
                "location_dest_id": move.location_dest_id.id,
            })

    # Decisions ------------------------------------------------------------------------------

    def _process_decision(self):
        """Each decision becomes its real documents (SPEC 3)."""
        for decision, lines in self.grouped("decision").items():
            getattr(lines, f"_process_{decision}")()

    def _process_refund(self):
        """Refund: a credit note at the sale line's price, discount and taxes, reversing its invoice (SPEC 3)."""
        if self.sudo().credit_line_ids.filtered(lambda aml: aml.parent_state != "cancel"):
            raise UserError(self.env._("These units were already credited: a refund is never made twice."))
        # Amounts come from the sale order, not from the user: invoicing rights are not needed.
        for (rma, order), lines in self.sudo().grouped(lambda line: (line.rma_id, line.sale_line_id.order_id)).items():
            invoice_lines = lines._credit_note_lines()
            if not invoice_lines:
                rma.message_post(body=self.env._(
                    "%(order)s was not invoiced for these units: no credit note, the order has less to invoice.",
                    order=order.name,
                ))
                continue
            invoices = lines.sale_line_id.invoice_lines.move_id.filtered(
                lambda move: move.move_type == "out_invoice" and move.state == "posted"
            )
            credit_note = lines.env["account.move"].create(dict(
                order._prepare_invoice(),
                move_type="out_refund",
                ref=self.env._("%(rma)s: return of %(order)s", rma=rma.name, order=order.name),
                reversed_entry_id=invoices.sorted("invoice_date")[-1:].id,
                aftersales_rma_id=rma.id,
                invoice_line_ids=[fields.Command.create(vals) for vals in invoice_lines],
            ))
            credit_note.action_post()

    def _credit_note_lines(self):
        """Credit what was invoiced of the returned quantity, unit by unit (SPEC 3)."""
        vals_list = []
        for sale_line, lines in self.grouped("sale_line_id").items():
            returned = {line: line.product_uom_id._compute_quantity(line.quantity, sale_line.product_uom_id)
                        for line in lines}
            if sale_line.product_id.invoice_policy == "order":
                sale_line._aftersales_lower_ordered_quantity(sum(returned.values()))
            creditable = max(-sale_line.qty_to_invoice, 0.0)
            for line in lines:
                quantity = min(returned[line], creditable)
                creditable -= quantity
                if not sale_line.product_uom_id.is_zero(quantity):
                    vals_list.append(sale_line._prepare_invoice_line(quantity=quantity, aftersales_rma_line_id=line.id))
        return vals_list

    def _process_replace(self):
        """Replacement: a real delivery from stock, on the original sale line (SPEC 3)."""
        for rma, lines in self.grouped("rma_id").items():
            warehouse = lines.sale_line_id.order_id.warehouse_id[:1] or rma._warehouse()
            customers = self.env.ref("stock.stock_location_customers")
            delivery = self.env["stock.picking"].create({
                "picking_type_id": warehouse.out_type_id.id,
                "partner_id": lines.delivery_record_id.delivery_partner_id[:1].id or rma.partner_id.id,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": customers.id,
                "origin": rma.name,
                "aftersales_rma_id": rma.id,
                "aftersales_rma_role": "replacement",
                "move_ids": [
                    fields.Command.create({
                        "product_id": line.product_id.id,
                        "product_uom_qty": line.quantity,
                        "product_uom": line.product_uom_id.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": customers.id,
                        "sale_line_id": line.sale_line_id.id,
                        "aftersales_rma_line_id": line.id,
                    })
                    for line in lines
                ],
            })
            delivery.action_confirm()
            delivery.action_assign()

    def _process_repair(self):
        """Repair: one Odoo repair order per unit, charged by rule (SPEC 3, [003] 七)."""
        for line in self:
            receipt_move = line._received_move()
            repair = self.env["repair.order"].create({
                "partner_id": line.rma_id.partner_id.id,
                "product_id": line.product_id.id,
                "product_qty": line.quantity,
                "lot_id": line.lot_id.id,
                "picking_id": receipt_move.picking_id.id,
                "product_location_src_id": receipt_move.location_dest_id.id,
                "product_location_dest_id": receipt_move.location_dest_id.id,
                "under_warranty": line.charge_mode == "free",
                "company_id": line.company_id.id,
                "aftersales_rma_line_id": line.id,
                "internal_notes": line.inspection_note,
            })
            line.repair_id = repair
            repair._action_repair_confirm()

    def _return_to_customer(self):
        """Return as is, a rejected claim or a finished repair: the received units go back to the customer
        on a return of their receipt, a real delivery the sale order follows (SPEC 3)."""
        for receipt, lines in self.grouped(lambda line: line._received_move().picking_id).items():
            receipt_moves = [line._received_move() for line in lines]
            delivery = lines._return_through_wizard(receipt, receipt_moves)
            delivery.write({"aftersales_rma_id": receipt.aftersales_rma_id.id, "aftersales_rma_role": "return"})

    _process_return_as_is = _process_reject = _return_to_customer

    def _process_scrap(self):
        """Scrap with the customer's consent: Odoo's scrap of the received unit, still sold to the customer
        (SPEC 3, [004] 五.7)."""
        self._keep_sold()
        for line in self:
            receipt_move = line._received_move()
            scrap = self.env["stock.scrap"].create({
                "product_id": line.product_id.id,
                "lot_id": line.lot_id.id,
                "scrap_qty": line.quantity,
                "product_uom_id": line.product_uom_id.id,
                "location_id": receipt_move.location_dest_id.id,
                "company_id": line.company_id.id,
                "origin": line.rma_id.name,
                "aftersales_rma_line_id": line.id,
            })
            scrap.do_scrap()
            line.scrap_id = scrap

    def _keep_sold(self):
        """A unit that is not refunded stays delivered on its sale order: its receipt no longer takes it off
        what the order delivered, so the order has nothing to credit for it (SPEC 3)."""
        receipt_moves = self.move_ids.filtered(
            lambda move: move.state == "done" and move.to_refund and move.picking_id.aftersales_rma_role == "receipt"
        )
        receipt_moves.to_refund = False
        sale_lines = receipt_moves.sale_line_id
        # to_refund is no dependency of the delivered quantity: recompute it and what follows from it.
        sale_lines.modified(["qty_delivered"])
        self.env.add_to_compute(sale_lines._fields["qty_delivered"], sale_lines)

    # Repairs ------------------------------------------------------------------------------

    def _repair_finished(self):
        """A finished repair is invoiced when chargeable, then goes back to the customer (SPEC 3)."""
        for line in self.filtered(lambda line: line.charge_mode != "free"):
            line._invoice_repair()
        self._return_to_customer()

    def _invoice_repair(self):
        """Chargeable repair: parts at sale price through the repair's quotation, labour as hours × rate
        (SPEC 3, [003] 七)."""
        self.ensure_one()
        # Prices come from the pricelist and the labour rate, not from the user: sales rights are not needed.
        repair = self.sudo().repair_id
        if not repair.sale_order_id:
            repair._create_sale_order()
        order = repair.sale_order_id
        labour = self.company_id.aftersales_labour_product_id
        if self.charge_mode == "full" and self.repair_hours and labour:
            order.env["sale.order.line"].create({
                "order_id": order.id, "product_id": labour.id, "product_uom_qty": self.repair_hours,
            })
        if order.currency_id.is_zero(order.amount_total):
            order._action_cancel()
            return
        order.action_confirm()
        if not any(order.order_line.mapped("qty_to_invoice")):
            return
        invoice = order._create_invoices(final=True)
        invoice.aftersales_rma_id = self.rma_id.id
        invoice.action_post()

    # Cancellation ---------------------------------------------------------------------------

    def _done_documents(self):
        """Documents that already moved goods or money."""
        documents = self.move_ids.filtered(lambda m: m.state == "done").picking_id.mapped("name")
        documents += self.repair_id.filtered(lambda r: r.state == "done").mapped("name")
        documents += self.scrap_id.filtered(lambda s: s.state == "done").mapped("name")
        documents += self.rma_id.sudo().account_move_ids.filtered(lambda m: m.state == "posted").mapped("name")
        return sorted(set(documents))

    def _cancel_documents(self):
        """Cancel what is still open: transfers, repairs, draft invoices."""
        self.move_ids.picking_id.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        self.repair_id.filtered(lambda r: r.state not in ("done", "cancel")).action_repair_cancel()
        self.rma_id.sudo().account_move_ids.filtered(lambda m: m.state == "draft").button_cancel()
