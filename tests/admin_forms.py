"""What a browser posts for an admin change form as rendered: the model form, its inlines and their
management forms, ready to be modified."""


def _form_values(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = getattr(field.widget, "widget", field.widget)  # admin wraps related-field widgets
        if getattr(widget, "input_type", None) == "checkbox":
            if value:
                data[form.add_prefix(name)] = "on"
        elif value is not None:
            data[form.add_prefix(name)] = value
    return data


def admin_form_data(client, url) -> dict:
    context = client.get(url).context
    data = _form_values(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_values(formset.management_form))
        for form in formset.initial_forms:
            data.update(_form_values(form))
    return data
