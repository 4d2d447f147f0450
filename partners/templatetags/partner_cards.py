"""``{% render_panel panel %}``: render a ``partners.cards.Panel`` in the page that shows it."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context, panel):
    """The panel's template rendered with the page's context plus the panel's own (the request, the CSRF
    token and the user's permissions stay available to its forms)."""
    found = context.template.engine.get_template(panel.template)
    with context.push(**panel.context):
        return found.render(context)
