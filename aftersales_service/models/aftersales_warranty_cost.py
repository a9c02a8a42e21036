from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..selections import WARRANTY_COST_KINDS


class AftersalesWarrantyCost(models.Model):
    """What warranty and recall work cost, per product, lot, customer and month, read from the documents themselves:
    refunds' credit notes, replacement units and free repairs' parts at cost, free repair hours at the labour
    product's cost, and the recalls' costs spread over their units (docs/recalls.md §9). Addons add their sources in
    :meth:`_cost_sources`."""

    _name = "aftersales.warranty.cost"
    _description = "Warranty Cost"
    _auto = False
    _order = "month desc, product_id"

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    kind = fields.Selection(WARRANTY_COST_KINDS, string="Cost", readonly=True)
    quantity = fields.Float(readonly=True, help="Units, parts or hours.")
    amount = fields.Monetary(readonly=True)

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _cost_sources(self):
        """The SELECTs of the costs: company, month, product, lot, customer, kind, quantity, amount."""
        return [
            # Refunds: the credit notes' lines of the refunded units.
            SQL("""
                SELECT move.company_id, date_trunc('month', move.date)::date, line.product_id, unit.lot_id,
                       rma.partner_id, 'refund', line.quantity, line.balance
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id AND move.move_type = 'out_refund'
                   AND move.state = 'posted'
                  JOIN aftersales_rma_line unit ON unit.id = line.aftersales_rma_line_id
                  JOIN aftersales_rma rma ON rma.id = unit.rma_id
            """),
            # Replacements: the units shipped in place of the returned ones, at cost.
            SQL("""
                SELECT move.company_id, date_trunc('month', move.date)::date, unit.product_id, unit.lot_id,
                       rma.partner_id, 'replacement', move.quantity, move.quantity * coalesce((product.standard_price->>move.company_id::text)::numeric, 0)
                  FROM stock_move move
                  JOIN stock_picking picking ON picking.id = move.picking_id AND picking.aftersales_rma_role = 'replacement'
                  JOIN aftersales_rma_line unit ON unit.id = move.aftersales_rma_line_id
                  JOIN aftersales_rma rma ON rma.id = unit.rma_id
                  JOIN product_product product ON product.id = move.product_id
                 WHERE move.state = 'done'
            """),
            # Free repairs: the parts they used, at cost.
            SQL("""
                SELECT part.company_id, date_trunc('month', part.date)::date, unit.product_id, unit.lot_id,
                       rma.partner_id, 'repair_parts', part.quantity, part.quantity * coalesce((product.standard_price->>part.company_id::text)::numeric, 0)
                  FROM stock_move part
                  JOIN repair_order repair ON repair.id = part.repair_id
                  JOIN aftersales_rma_line unit ON unit.id = repair.aftersales_rma_line_id AND unit.charge_mode = 'free'
                  JOIN aftersales_rma rma ON rma.id = unit.rma_id
                  JOIN product_product product ON product.id = part.product_id
                 WHERE part.repair_line_type = 'add' AND part.state = 'done'
            """),
            # Repairs not charged in full (free, materials only): their hours, at the cost of the company's labour
            # product.
            SQL("""
                SELECT repair.company_id, date_trunc('month', repair.create_date)::date, unit.product_id, unit.lot_id,
                       rma.partner_id, 'repair_labour', unit.repair_hours,
                       unit.repair_hours * coalesce((labour.standard_price->>company.id::text)::numeric, 0)
                  FROM aftersales_rma_line unit
                  JOIN repair_order repair ON repair.id = unit.repair_id AND repair.state = 'done'
                  JOIN aftersales_rma rma ON rma.id = unit.rma_id
                  JOIN res_company company ON company.id = repair.company_id
                  JOIN product_product labour ON labour.id = company.aftersales_labour_product_id
                 WHERE unit.charge_mode <> 'full' AND unit.repair_hours > 0
            """),
            # Recalls: their cost to date, spread evenly over the units at customers the remedy applies to.
            SQL("""
                SELECT recall.company_id,
                       date_trunc('month', coalesce(recall.closed_on, recall.approved_date, recall.create_date))::date,
                       unit.product_id, unit.lot_id, unit.partner_id, 'recall', 1,
                       (coalesce(recall.cost_parts, 0) + coalesce(recall.cost_labour, 0)
                        + coalesce(recall.cost_freight, 0) + coalesce(recall.cost_compensation, 0))
                       / count(*) OVER (PARTITION BY recall.id)
                  FROM aftersales_recall recall
                  JOIN aftersales_recall_unit unit ON unit.recall_id = recall.id AND unit.placement = 'customer'
                   AND unit.state <> 'not_applicable'
                 WHERE recall.state IN ('approved', 'in_progress', 'closed')
            """),
        ]

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("""
            CREATE VIEW %(table)s AS (
                SELECT row_number() OVER () AS id, cost.*, company.currency_id
                  FROM (%(sources)s) AS cost (company_id, month, product_id, lot_id, partner_id, kind, quantity, amount)
                  JOIN res_company company ON company.id = cost.company_id
            )
        """, table=SQL.identifier(self._table), sources=SQL(" UNION ALL ").join(self._cost_sources())))
