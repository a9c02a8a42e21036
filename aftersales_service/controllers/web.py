from odoo import http
from odoo.http import request

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.portal.controllers.web import Home


class AftersalesHome(Home):

    @http.route()
    def web_login(self, *args, **kw):
        """Signed in, the portal speaks the user's own language, not the one an earlier visit left in the browser
        (docs/portal.md §1)."""
        response = super().web_login(*args, **kw)
        if request.params.get("login_success") and request.session.uid:
            lang = request.env["res.users"].sudo().browse(request.session.uid).lang
            if lang:
                response.set_cookie("frontend_lang", lang)
        return response
