import { useEffect } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useDebounced } from "@web/core/utils/timing";
import { CharField, charField } from "@web/views/fields/char/char_field";

/**
 * A text field whose value reaches the record while the user types, after a short pause: the
 * form answers (onchange, computed fields) without waiting for the user to leave the field.
 */
export class LiveCharField extends CharField {
    setup() {
        super.setup();
        // The input hook commits on "change": raise it once the typing pauses.
        const commit = useDebounced(() => this.input.el?.dispatchEvent(new Event("change")), 350);
        useEffect(
            (input) => {
                if (!input) {
                    return;
                }
                input.addEventListener("input", commit);
                return () => input.removeEventListener("input", commit);
            },
            () => [this.input.el]
        );
    }
}

registry.category("fields").add("aftersales_live_char", { ...charField, component: LiveCharField });
