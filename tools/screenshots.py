"""Screenshots of the main screens of aftersales_service, taken in headless Chromium on a running demo database
(see tools/screenshots). Logs in as admin through JSON-RPC, then opens each screen in the browser through the
DevTools protocol and saves it as a PNG; then the same for the customer portal, as the demo portal user."""
import argparse
import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar

import websocket

# name, URL path (or a function of the demo ids), CSS selector that shows the screen is ready
SCREENS = [
    ("overview", "/odoo/action-aftersales_service.action_aftersales_overview", ".o_aftersales_overview"),
    ("rma-kanban", "/odoo/action-aftersales_service.action_aftersales_rma?view_type=kanban", ".o_kanban_record"),
    ("rma-form", "/odoo/action-aftersales_service.action_aftersales_rma/{rma_demo_processed}", ".o_form_view"),
    ("complaint-kanban", "/odoo/action-aftersales_service.action_aftersales_complaint?view_type=kanban",
     ".o_kanban_record"),
    ("complaint-form", "/odoo/action-aftersales_service.action_aftersales_complaint/{complaint_demo_overdue}",
     ".o_form_view"),
    ("delivery-records", "/odoo/action-aftersales_service.action_aftersales_delivery_record", ".o_data_row"),
    ("recall-form", "/odoo/action-aftersales_service.action_aftersales_recall/{recall_demo_winding}", ".o_form_view"),
    ("return-rate", "/odoo/action-aftersales_service.action_aftersales_return_rate_report", ".o_pivot"),
    ("complaint-kpis", "/odoo/action-aftersales_service.action_aftersales_complaint_kpi", ".o_pivot"),
    ("dispatch-calendar", "/odoo/action-aftersales_field_service.action_aftersales_dispatch_order?view_type=calendar",
     ".o_calendar_renderer"),
    ("dispatch-form", "/odoo/action-aftersales_field_service.action_aftersales_dispatch_order/{dispatch_demo_installation}",
     ".o_form_view"),
    ("dispatch-planning", "/odoo/action-aftersales_field_service.action_aftersales_dispatch_order_planning",
     ".o_aftersales_planning .o_kanban_record"),
    ("service-point", "/odoo/action-aftersales_field_service.action_aftersales_service_point/{service_point_swift}",
     ".o_form_view"),
    ("settlement-form",
     "/odoo/action-aftersales_field_service.action_aftersales_service_settlement/{settlement_demo_swift}", ".o_form_view"),
]
# The same screens on a phone (390×844): the technician's visit in the back office, then the customer's pages.
PHONE_SCREENS = [
    ("phone-visit", "/odoo/action-aftersales_field_service.action_aftersales_dispatch_order/{dispatch_demo_today}",
     ".o_form_view .o_aftersales_unit_cards .o_kanban_record"),
]
PHONE_PORTAL_SCREENS = [
    ("phone-portal-rma", "/my/rmas/{rma_demo_confirmed}", ".o_aftersales_rma"),
    ("phone-portal-visit", "/my/visits/{dispatch_demo_textile}", ".o_aftersales_appointment_answer"),
]
# A service point's technician on the portal, on a tablet held like a phone.
PHONE_POINT_SCREENS = [
    ("phone-point-visit", "/my/point/visits/{dispatch_demo_point}", ".o_aftersales_point_visit"),
]
# The customer portal, as the demo customer sees it.
PORTAL_SCREENS = [
    ("portal-units", "/my/units", ".o_aftersales_units"),
    ("portal-rma", "/my/rmas/{rma_demo_confirmed}", ".o_aftersales_rma"),
    ("portal-complaint", "/my/complaints/{complaint_demo_portal_resolved}", ".o_aftersales_respond"),
    ("portal-visit", "/my/visits/{dispatch_demo_textile}", ".o_aftersales_appointment_answer"),
]
DEMO_RECORDS = (
    "rma_demo_processed", "complaint_demo_overdue", "rma_demo_confirmed", "complaint_demo_portal_resolved",
    "dispatch_demo_installation", "dispatch_demo_textile", "dispatch_demo_today", "recall_demo_winding",
    "service_point_swift", "settlement_demo_swift", "dispatch_demo_point",
)


# A phone's screen, as Chromium's device emulation takes it.
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}


class Rpc:
    """JSON-RPC to the Odoo server, with the session cookie of the login."""

    def __init__(self, url):
        self.url = url
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def call(self, path, **params):
        request = urllib.request.Request(
            self.url + path, json.dumps({"jsonrpc": "2.0", "params": params}).encode(),
            {"Content-Type": "application/json"},
        )
        with self.opener.open(request) as response:
            answer = json.load(response)
        if "error" in answer:
            raise RuntimeError(answer["error"]["data"]["message"])
        return answer["result"]

    def session_id(self):
        return next(cookie.value for cookie in self.cookies if cookie.name == "session_id")


class Chromium:
    """A headless Chromium driven through its DevTools websocket."""

    def __init__(self, width, height):
        self.profile = tempfile.mkdtemp(prefix="aftersales-screenshots-")
        self.process = subprocess.Popen(
            [shutil.which("chromium") or "chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
             "--hide-scrollbars", f"--window-size={width},{height}", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _ in range(100):
            if os.path.exists(port_file) and open(port_file, encoding="utf-8").read().strip():
                break
            time.sleep(0.1)
        port = open(port_file, encoding="utf-8").read().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as response:
            page = next(target for target in json.load(response) if target["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.ids = itertools.count(1)

    def send(self, method, **params):
        message_id = next(self.ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, selector, timeout=30):
        expression = f"!!document.querySelector({json.dumps(selector)})"
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.send("Runtime.evaluate", expression=expression)["result"].get("value"):
                return
            time.sleep(0.3)
        raise TimeoutError(f"{selector} did not show")

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--portal-login", default="zibo")
    parser.add_argument("--portal-password", default="zibo")
    parser.add_argument("--point-login", default="point")
    parser.add_argument("--point-password", default="point")
    args = parser.parse_args()

    rpc = Rpc(args.url)
    rpc.call("/web/session/authenticate", db=args.db, login=args.login, password=args.password)
    ids = {
        data["name"]: data["res_id"]
        for data in rpc.call("/web/dataset/call_kw", model="ir.model.data", method="search_read", args=[
            [("module", "in", ["aftersales_service", "aftersales_field_service"]), ("name", "in", DEMO_RECORDS)], ["name", "res_id"],
        ], kwargs={})
    }
    customer = Rpc(args.url)
    customer.call("/web/session/authenticate", db=args.db, login=args.portal_login, password=args.portal_password)
    point = Rpc(args.url)
    point.call("/web/session/authenticate", db=args.db, login=args.point_login, password=args.point_password)
    os.makedirs(args.out, exist_ok=True)
    browser = Chromium(1440, 900)
    try:
        browser.send("Network.enable")
        shots = ((rpc, SCREENS, None), (customer, PORTAL_SCREENS, None),
                 (rpc, PHONE_SCREENS, PHONE), (customer, PHONE_PORTAL_SCREENS, PHONE),
                 (point, PHONE_POINT_SCREENS, PHONE))
        for session, screens, device in shots:
            browser.send("Network.setCookie", name="session_id", value=session.session_id(), url=args.url)
            if device:
                browser.send("Emulation.setDeviceMetricsOverride", **device)
                browser.send("Emulation.setTouchEmulationEnabled", enabled=True)
            for name, path, ready in screens:
                browser.send("Page.navigate", url=args.url + path.format(**ids))
                browser.wait_for(ready)
                time.sleep(1.5)  # let the last rendering and the fonts settle
                png = base64.b64decode(browser.send("Page.captureScreenshot", format="png")["data"])
                with open(os.path.join(args.out, f"{name}.png"), "wb") as image:
                    image.write(png)
                print(f"{name}.png")
    finally:
        browser.close()

if __name__ == "__main__":
    main()
