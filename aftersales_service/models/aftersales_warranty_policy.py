from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..selections import EXTENDED_CHANNELS, POLICY_SCOPES


class AftersalesWarrantyPolicy(models.Model):
    """Months of warranty of a product, a category or a company's products (docs/warranty.md §1)."""

    _name = "aftersales.warranty.policy"
    _description = "Warranty Policy"
    _order = "company_id, scope, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    product_tmpl_id = fields.Many2one(
        "product.template",
        string="Product",
        check_company=True,
        ondelete="cascade",
        index="btree_not_null",
        help="The policy applies to this product only.",
    )
    categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        ondelete="cascade",
        index="btree_not_null",
        help="The policy applies to the products of this category and of its sub-categories.",
    )
    scope = fields.Selection(
        POLICY_SCOPES,
        compute="_compute_scope",
        store=True,
        help="A product policy wins over a category policy, which wins over the company default.",
    )
    duration_months = fields.Integer(string="Duration (Months)", required=True, default=12)
    channel_extension_months = fields.Integer(
        string="Distributor / Agent Extension (Months)",
        default=4,
        help="Extra months for customers whose sales channel is distributor or agent.",
    )
    note = fields.Text(translate=True)

    # Computes ---------------------------------------------------------------------------------

    @api.depends("product_tmpl_id", "categ_id")
    def _compute_scope(self):
        for policy in self:
            if policy.product_tmpl_id:
                policy.scope = "product"
            elif policy.categ_id:
                policy.scope = "category"
            else:
                policy.scope = "company"

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("duration_months", "channel_extension_months")
    def _check_months(self):
        """Durations are whole positive months; extensions are never negative (docs/warranty.md §1)."""
        for policy in self:
            if policy.duration_months <= 0:
                raise ValidationError(
                    self.env._("The warranty duration of “%(policy)s” must be at least one month.", policy=policy.name)
                )
            if policy.channel_extension_months < 0:
                raise ValidationError(
                    self.env._("The distributor extension of “%(policy)s” cannot be negative.", policy=policy.name)
                )

    @api.constrains("product_tmpl_id", "categ_id")
    def _check_single_target(self):
        """A policy targets a product or a category, never both (docs/warranty.md §1)."""
        for policy in self:
            if policy.product_tmpl_id and policy.categ_id:
                raise ValidationError(
                    self.env._("The policy “%(policy)s” must target a product or a category, not both.", policy=policy.name)
                )

    @api.constrains("active", "company_id", "product_tmpl_id", "categ_id")
    def _check_unique_scope(self):
        """One active policy per product, category or company default in a company (docs/warranty.md §1)."""
        for policy in self.filtered("active"):
            twin = self.search(
                [
                    ("id", "!=", policy.id),
                    ("company_id", "=", policy.company_id.id),
                    ("product_tmpl_id", "=", policy.product_tmpl_id.id),
                    ("categ_id", "=", policy.categ_id.id),
                ],
                limit=1,
            )
            if twin:
                raise ValidationError(
                    self.env._(
                        "“%(policy)s” covers the same scope as the active policy “%(twin)s” in %(company)s.",
                        policy=policy.name,
                        twin=twin.name,
                        company=policy.company_id.name,
                    )
                )

    @api.constrains("active", "product_tmpl_id", "categ_id")
    def _check_company_default_kept(self):
        """Every company keeps an active default policy: a delivery always finds its warranty
        (docs/warranty.md §1)."""
        for company in self.company_id:
            if not self.search_count([("company_id", "=", company.id), ("scope", "=", "company")], limit=1):
                raise ValidationError(self.env._(
                    "%(company)s needs an active company default warranty policy.", company=company.name
                ))

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_company_default(self):
        """The company default is changed, never removed (docs/warranty.md §1)."""
        if any(policy.scope == "company" and policy.active for policy in self):
            raise UserError(self.env._("A company default warranty policy cannot be deleted; change its months instead."))

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _match_products(self, products, company):
        """Policy precedence: product, then nearest category, then company default (docs/warranty.md §1)."""
        policies_sudo = self.sudo().search([("company_id", "=", company.id)])
        by_template = {p_sudo.product_tmpl_id.id: p_sudo for p_sudo in policies_sudo if p_sudo.scope == "product"}
        by_category = {p_sudo.categ_id.id: p_sudo for p_sudo in policies_sudo if p_sudo.scope == "category"}
        default_sudo = next((p_sudo for p_sudo in policies_sudo if p_sudo.scope == "company"), None)
        matched = {}
        for product in products:
            policy_sudo = by_template.get(product.product_tmpl_id.id)
            if not policy_sudo:
                category_ids = [int(cid) for cid in (product.categ_id.parent_path or "").split("/") if cid]
                policy_sudo = next((by_category[cid] for cid in reversed(category_ids) if cid in by_category), None)
            if not policy_sudo:
                if default_sudo is None:
                    raise UserError(self.env._(
                        "%(company)s has no default warranty policy: update the After-Sales module to create it.",
                        company=company.name,
                    ))
                policy_sudo = default_sudo
            matched[product] = policy_sudo
        return matched

    @api.model
    def _prepare_company_default_values(self, company):
        """The company default policy every company starts with: 12 months (docs/warranty.md §1)."""
        return {"name": self.env._("Standard warranty"), "company_id": company.id}

    def _months_for(self, partner):
        """Distributors and agents get the policy's extension (docs/warranty.md §2)."""
        self.ensure_one()
        channel = partner.commercial_partner_id.aftersales_channel
        extension = self.channel_extension_months if channel in EXTENDED_CHANNELS else 0
        return self.duration_months, extension

    @api.model
    def _warranty_end_date(self, start_date, months):
        """Last covered day: start + months − 1 day; a missing anniversary day rolls to the next 1st
        (docs/warranty.md §4)."""
        anniversary = start_date + relativedelta(months=months)
        if anniversary.day != start_date.day:
            anniversary += relativedelta(days=1)
        return anniversary - relativedelta(days=1)
