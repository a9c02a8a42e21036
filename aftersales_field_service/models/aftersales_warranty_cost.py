from odoo import api, models
from odoo.tools import SQL


class AftersalesWarrantyCost(models.Model):
    _inherit = "aftersales.warranty.cost"

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _cost_sources(self):
        """The visits charged nothing: their hours at the labour product's cost, spread over their units, and the
        parts their free repairs on site used, at cost (docs/recalls.md §9)."""
        return [
            *super()._cost_sources(),
            SQL("""
                SELECT visit.company_id, date_trunc('month', visit.checkout_date)::date, record.product_id,
                       record.lot_id, visit.partner_id, 'visit_labour',
                       visit.labour_hours / count(*) OVER (PARTITION BY visit.id),
                       visit.labour_hours * coalesce((labour.standard_price->>company.id::text)::numeric, 0)
                       / count(*) OVER (PARTITION BY visit.id)
                  FROM aftersales_dispatch_line line
                  JOIN aftersales_dispatch_order visit ON visit.id = line.order_id
                   AND visit.state IN ('done', 'closed') AND visit.charge_mode <> 'full'
                  JOIN aftersales_delivery_record record ON record.id = line.delivery_record_id
                  JOIN res_company company ON company.id = visit.company_id
                  JOIN product_product labour ON labour.id = company.aftersales_labour_product_id
                 WHERE visit.labour_hours > 0
            """),
            SQL("""
                SELECT part.company_id, date_trunc('month', part.date)::date, record.product_id, record.lot_id,
                       visit.partner_id, 'visit_parts', part.quantity,
                       part.quantity * coalesce((product.standard_price->>part.company_id::text)::numeric, 0)
                  FROM aftersales_dispatch_line line
                  JOIN aftersales_dispatch_order visit ON visit.id = line.order_id
                  JOIN aftersales_delivery_record record ON record.id = line.delivery_record_id
                  JOIN stock_move part ON part.repair_id = line.repair_id AND part.repair_line_type = 'add'
                   AND part.state = 'done'
                  JOIN product_product product ON product.id = part.product_id
                 WHERE line.charge_mode = 'free'
            """),
        ]
