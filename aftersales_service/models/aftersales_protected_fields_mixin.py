from odoo import api, models
from odoo.exceptions import AccessError, LockError, UserError

# The key the module's own code passes to write protected fields. Its value is an object no JSON-RPC
# call, import file or portal form can produce: only Python code holding it unlocks the fields.
WORKFLOW_KEY = "aftersales_workflow"
WORKFLOW = object()

MANAGER_GROUP = "aftersales_service.group_aftersales_manager"
# The addons of the after-sales family: aftersales_service and the addons extending it.
MODULE_PREFIX = "aftersales_"


def in_workflow(env):
    """Whether ``env`` is the module's own workflow (docs/security.md §2)."""
    return env.context.get(WORKFLOW_KEY) is WORKFLOW


def as_workflow(records):
    """``records`` as the module's own workflow sees them: the fields it protects may be written
    (docs/security.md §2)."""
    return records.with_context(**{WORKFLOW_KEY: WORKFLOW})


def check_frozen(records, vals, fnames):
    """Refuse a write of ``fnames`` outside the workflow, with the fields' labels (docs/security.md §2).

    Also what the extensions of core models refuse their links to our documents with: only our workflow sets them.
    """
    written = sorted(name for name in fnames if name in vals)
    if written and not in_workflow(records.env):
        labels = ", ".join(records._fields[name]._description_string(records.env) for name in written)
        raise UserError(records.env._(
            "%(fields)s of %(model)s cannot be written directly: the after-sales workflow sets them.",
            fields=labels,
            model=records._description,
        ))


class AftersalesProtectedFieldsMixin(models.AbstractModel):
    """Fields that only the model's own actions change, fields only managers set, and fields locked by state.

    Each inheriting model declares (docs/security.md §2):

    * ``_workflow_fields``: state and the stamps its transitions write; never given on create (but for
      their default) nor written, except by the module's code through :meth:`_workflow`;
    * ``_frozen_fields``: given when the record is created, then changed by the workflow only;
    * ``_manager_fields``: set by After-Sales managers only, on create as on write;
    * ``_locked_fields``: ``{can_field: field names}``, fields editable only while the record's computed
      boolean ``can_field`` is true, the same boolean the view reads for ``readonly``.

    The read-only computed fields this module defines (amounts, quantities, states derived from others) are
    the model's own as well: refused to a plain create or write like the workflow fields.

    A mixin's declarations add up with those of the models that inherit it.
    """

    _name = "aftersales.protected.fields.mixin"
    _description = "After-Sales Protected Fields"

    _workflow_fields = ()
    _frozen_fields = ()
    _manager_fields = ()
    _locked_fields = {}

    # CRUD -------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if in_workflow(self.env) or not (
            self._protected("_workflow_fields") or self._protected("_manager_fields") or self._field_locks()
            or self._computed_fields()
        ):
            return super().create(vals_list)
        manager_fields = self._protected("_manager_fields")
        # What the context's defaults give is given as much as the values are: a JSON-RPC call sets any context.
        defaults = {
            key.removeprefix("default_"): value for key, value in self.env.context.items()
            if key.startswith("default_") and key.removeprefix("default_") in self._fields
        }
        for vals in vals_list:
            given = {**defaults, **vals}
            self._check_workflow_create(given)
            self._check_manager_fields({name for name in manager_fields if given.get(name)})
            self._check_create_locks(given)
        return super().create(vals_list)

    def write(self, vals):
        if not in_workflow(self.env):
            check_frozen(
                self, vals,
                self._protected("_workflow_fields") | self._protected("_frozen_fields") | self._computed_fields(),
            )
            self._check_manager_fields(self._protected("_manager_fields").intersection(vals))
            self._check_field_locks(set(vals))
        # The stamps the values bring are written with them, once: the values given win.
        return super().write({**self._prepare_write_stamps(vals), **vals})

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _declared(self, attribute, build):
        """What the model and the mixins it inherits declare in ``attribute``, built once per registry."""
        cache = type(self).__dict__.get("_aftersales_declared")
        if cache is None:
            cache = {}
            type(self)._aftersales_declared = cache
        if attribute not in cache:
            cache[attribute] = build([cls.__dict__[attribute] for cls in reversed(type(self).__mro__)
                                      if attribute in cls.__dict__])
        return cache[attribute]

    @api.model
    def _protected(self, attribute):
        """The field names ``attribute`` declares, over the model and the mixins it inherits."""
        return self._declared(attribute, lambda declarations: frozenset().union(*declarations))

    @api.model
    def _computed_fields(self):
        """The read-only computed fields the after-sales addons define on the model."""
        return self._declared("_aftersales_computed", lambda _declarations: frozenset(
            name for name, field in self._fields.items()
            if field.compute and field.readonly and any(module.startswith(MODULE_PREFIX) for module in field._modules)
        ))

    @api.model
    def _field_locks(self):
        """``_locked_fields`` over the model and the mixins it inherits: can field → locked field names."""
        def merge(declarations):
            locks = {}
            for declaration in declarations:
                for can_field, names in declaration.items():
                    locks[can_field] = locks.get(can_field, frozenset()) | frozenset(names)
            return locks
        return self._declared("_locked_fields", merge)

    def _prepare_write_stamps(self, vals):  # pylint: disable=unused-argument
        """The workflow fields a write of ``vals`` sets along, whoever writes: who or when a value was given, a stamp
        the new values void (docs/security.md §2)."""
        return {}

    def _workflow(self):
        """These records as the module's own workflow sees them: protected fields may be written."""
        return as_workflow(self)

    @api.model
    def _check_workflow_create(self, vals):
        """A new record starts where the workflow starts: its workflow fields keep their defaults."""
        given = []
        for name in sorted(self._protected("_workflow_fields") | self._computed_fields()):
            if not vals.get(name):
                continue
            field = self._fields[name]
            default = field.default(self) if field.default else False
            if vals[name] != default:
                given.append(field._description_string(self.env))
        if given:
            raise UserError(self.env._(
                "A new %(model)s cannot start with %(fields)s: the after-sales workflow sets them.",
                model=self._description,
                fields=", ".join(given),
            ))

    @api.model
    def _check_create_locks(self, vals):
        """A new record gives locked fields only where its ``can_*`` booleans allow them, judged before anything
        is written: on the record as the values and its defaults make it (docs/security.md §2)."""
        given = {name for name, value in vals.items() if value}
        locks = [can_field for can_field, names in self._field_locks().items() if names & given]
        if not locks:
            return
        # Who may not create the record at all hears so, before any rule of its progress.
        self.check_access("create")
        depends = self.pool.field_depends
        needed = {path.split(".")[0] for can_field in locks for path in depends[self._fields[can_field]]} - set(vals)
        self.new({**self.default_get(sorted(needed)), **vals})._check_field_locks(given)

    def _check_manager_fields(self, fnames):
        """Manager-only fields are refused to everyone else (docs/security.md §1)."""
        if fnames and not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._(
                "Only an After-Sales manager can set %(fields)s.",
                fields=", ".join(self._fields[name]._description_string(self.env) for name in sorted(fnames)),
            ))

    def _check_field_locks(self, fnames):
        """Fields locked by the document's progress stay as they are (docs/security.md §2)."""
        for can_field, locked in self._field_locks().items():
            written = sorted(locked.intersection(fnames))
            if not written:
                continue
            refused = self.filtered(lambda record, can_field=can_field: not record[can_field])
            if refused:
                raise UserError(self.env._(
                    "%(records)s: %(fields)s can no longer be changed at this stage.",
                    records=", ".join(refused.mapped("display_name")),
                    fields=", ".join(self._fields[name]._description_string(self.env) for name in written),
                ))

    def _check_can(self, can_field, message=None):
        """The guard of an action: the ``can_*`` boolean that shows its button (docs/security.md §2).

        ``message`` says why, where the record's state alone does not.
        """
        refused = self.filtered(lambda record: not record[can_field])
        if not refused:
            return
        if message:
            raise UserError(message)
        names = ", ".join(refused.mapped("display_name"))
        state = refused._fields.get("state")
        if state:
            label = dict(state._description_selection(self.env)).get(refused[0].state)
            raise UserError(self.env._("%(records)s: not possible while %(state)s.", records=names, state=label))
        raise UserError(self.env._("%(records)s: not possible at this stage.", records=names))

    def _start_transition(self, can_field, message=None):
        """An action starts: its guard checked; returns the records to write the transition with
        (docs/security.md §2)."""
        self._check_can(can_field, message)
        return self._workflow()

    def _start_locked_transition(self, can_field, message=None):
        """A transition that makes or undoes documents starts: its rows locked, then its guard checked; returns the
        records to write the transition with (docs/security.md §5)."""
        self._lock_for_transition()
        return self._start_transition(can_field, message)

    def _lock_for_transition(self):
        """Lock the rows of a transition that makes or undoes documents (transfers, repairs, credit notes): a
        second click or user waits for nothing and is told (docs/security.md §5)."""
        try:
            self.lock_for_update(allow_referencing=True)
        except LockError:
            raise UserError(self.env._(
                "%(records)s is being changed by someone else at this moment; try again.",
                records=", ".join(self.mapped("display_name")),
            )) from None
