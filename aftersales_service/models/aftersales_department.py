from odoo import fields, models


class AftersalesDepartment(models.Model):
    _name = "aftersales.department"
    _description = "Responsible Department"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
