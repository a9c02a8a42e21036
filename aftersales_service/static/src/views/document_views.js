import { registry } from "@web/core/registry";
import { formView } from "@web/views/form/form_view";
import { FormController } from "@web/views/form/form_controller";
import { listView } from "@web/views/list/list_view";
import { ListController } from "@web/views/list/list_controller";

/**
 * The forms and lists of after-sales documents offer Delete only for documents whose can_delete field says they
 * may be deleted: the model refuses the others (a done RMA, a validated survey), so the menu does not offer them.
 */
function offerDeleteIf(items, deletable) {
    const available = items.delete.isAvailable;
    items.delete.isAvailable = () => available() && deletable();
    return items;
}

export class AftersalesDocumentFormController extends FormController {
    getStaticActionMenuItems() {
        return offerDeleteIf(super.getStaticActionMenuItems(), () => this.model.root.data.can_delete !== false);
    }
}

export class AftersalesDocumentListController extends ListController {
    getStaticActionMenuItems() {
        return offerDeleteIf(super.getStaticActionMenuItems(), () =>
            this.model.root.selection.every((record) => record.data.can_delete !== false)
        );
    }
}

registry.category("views").add("aftersales_document_form", { ...formView, Controller: AftersalesDocumentFormController });
registry.category("views").add("aftersales_document_list", { ...listView, Controller: AftersalesDocumentListController });
