from odoo.tests import Form, TransactionCase, new_test_user


class AftersalesCase(TransactionCase):
    """Customers, tracked products and stock, and the user-driven sale → delivery flow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.env.user.group_ids += cls.env.ref("stock.group_production_lot")
        cls.customer = cls.env["res.partner"].create({"name": "Acme Motors Ltd", "is_company": True})
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Li Wei", "parent_id": cls.customer.id, "type": "delivery"}
        )
        cls.distributor = cls.env["res.partner"].create(
            {"name": "East Coast Distribution", "is_company": True, "aftersales_channel": "distributor"}
        )
        cls.categ_motors = cls.env["product.category"].create({"name": "Motors"})
        cls.categ_small_motors = cls.env["product.category"].create(
            {"name": "Small Motors", "parent_id": cls.categ_motors.id}
        )
        cls.motor = cls._create_product("YX-90 Motor", "serial", cls.categ_small_motors)
        cls.bearing = cls._create_product("Bearing Kit", "lot", cls.categ_motors)
        cls.cable = cls._create_product("Power Cable", "none", cls.env["product.category"].create({"name": "Accessories"}))
        cls.extension_service = cls.env["product.product"].create(
            {
                "name": "Extended Warranty +12 months",
                "type": "service",
                "list_price": 80.0,
                "aftersales_warranty_extension_months": 12,
            }
        )
        cls.stock_user = new_test_user(
            cls.env, "as_stock_user", groups="stock.group_stock_user,sales_team.group_sale_salesman_all_leads"
        )
        cls.default_policy = cls.env["aftersales.warranty.policy"].search(
            [("company_id", "=", cls.company.id), ("scope", "=", "company")]
        )

    @classmethod
    def _create_product(cls, name, tracking, categ):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "tracking": tracking,
                "categ_id": categ.id,
                "list_price": 100.0,
            }
        )

    @classmethod
    def _stock_serials(cls, product, names):
        """Put one unit of each serial number in stock; return the lots."""
        lots = cls.env["stock.lot"].create(
            [{"name": name, "product_id": product.id, "company_id": cls.company.id} for name in names]
        )
        for lot in lots:
            cls.env["stock.quant"]._update_available_quantity(product, cls.stock_location, 1.0, lot_id=lot)
        return lots

    @classmethod
    def _stock_quantity(cls, product, quantity, lot_name=None):
        lot = lot_name and cls.env["stock.lot"].create(
            {"name": lot_name, "product_id": product.id, "company_id": cls.company.id}
        )
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.stock_location, quantity, lot_id=lot or None
        )
        return lot

    def _sell(self, partner, lines, commitment_date=None):
        """Create and confirm a sale order through its form; ``lines`` are (product, quantity)."""
        with Form(self.env["sale.order"]) as order_form:
            order_form.partner_id = partner
            if commitment_date:
                order_form.commitment_date = commitment_date
            for product, quantity in lines:
                with order_form.order_line.new() as line:
                    line.product_id = product
                    line.product_uom_qty = quantity
        order = order_form.record
        order.action_confirm()
        return order

    def _validate(self, picking, user=None):
        """Pick everything reserved and validate as ``user`` (a warehouse user by default)."""
        picking = picking.with_user(user or self.stock_user)
        picking.move_ids.picked = True
        action = picking.button_validate()
        self.assertIs(action, True, "validation should not ask for a wizard")
        self.assertEqual(picking.state, "done")
        return picking

    def _deliver(self, order, user=None):
        """Validate the order's outgoing pickings until nothing is left to ship."""
        pickings = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for picking in pickings.sorted("id"):
            self._validate(picking, user)
        return pickings

    def _records(self, **domain):
        return self.env["aftersales.delivery.record"].search([(key, "=", value) for key, value in domain.items()])

    def _return(self, picking, quantities):
        """Return goods through the standard return wizard; ``quantities`` maps product → quantity."""
        wizard = Form(self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking"))
        for index in range(len(wizard.product_return_moves)):
            with wizard.product_return_moves.edit(index) as line:
                line.quantity = quantities.get(line.product_id, 0.0)
        action = wizard.save().action_create_returns()
        return self.env["stock.picking"].browse(action["res_id"])
