import { registry } from "@web/core/registry";

const LINES = ".o_field_widget[name=line_ids] .o_data_row";

function answer(index, level) {
    return [
        {
            content: `Answer item ${index + 1}: ${level}`,
            trigger: `${LINES}:eq(${index}) td.o_data_cell[name=level_id]`,
            run: "click",
        },
        {
            trigger: `${LINES}:eq(${index}) .o_field_widget[name=level_id] input`,
            run: `edit ${level}`,
        },
        {
            trigger: `.ui-menu-item > a:text(${level})`,
            run: "click",
        },
    ];
}

// A campaign survey of test_tours.py, answered item by item and validated.
registry.category("web_tour.tours").add("aftersales_survey_answered", {
    steps: () => [
        ...[0, 1, 2, 3].flatMap((index) => answer(index, "Very satisfied")),
        ...answer(4, "Satisfied"),
        {
            content: "The score follows the answers",
            trigger: ".o_field_widget[name=score]:contains(99)",
        },
        {
            trigger: ".o_statusbar_buttons button[name=action_done]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Validated)",
        },
        {
            trigger: ".ribbon:contains(Basically Satisfied)",
        },
    ],
});
