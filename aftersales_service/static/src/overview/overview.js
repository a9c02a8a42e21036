import { Component, markup, onWillStart } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The After-Sales app's first screen: open RMAs by state, what needs attention now, and the return
 * rate and satisfaction trends. Every figure comes from aftersales.overview and opens its list.
 */
export class AftersalesOverview extends Component {
    static template = "aftersales_service.Overview";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        onWillStart(async () => {
            this.data = await this.orm.call("aftersales.overview", "get_overview", []);
        });
    }

    open(action) {
        // An action read from the server carries its empty-list help as HTML, as the action service's own loader
        // marks it.
        return this.actionService.doAction(action.help ? { ...action, help: markup(action.help) } : action);
    }

    barStyle(points, value) {
        const highest = Math.max(...points.map((point) => point.value), 0);
        return `height: 0.75rem; width: ${highest ? Math.round((100 * value) / highest) : 0}%`;
    }
}

registry.category("actions").add("aftersales_overview", AftersalesOverview);
