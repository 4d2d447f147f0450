"""partners.cards: other apps' panels on the partner card and notes on its delete page, which the partners app
renders without knowing what is behind them."""

import copy

import pytest
from django.conf import settings
from django.test import override_settings

from contacts.views import partner_panel
from partners import cards
from tests import factories

TEMPLATES = {
    "test/panels.html": (
        '{% partialdef panel %}<section id="test-panel">{{ word }} on {{ kind.label }} {{ partner.no }}'
        '<form method="post">{% csrf_token %}</form></section>{% endpartialdef %}'
        '{% partialdef note %}<p id="test-note">{{ word }} stays.</p>{% endpartialdef %}'),
}


def with_test_templates():
    """The project's template settings with a few in-memory templates in front."""
    config = copy.deepcopy(settings.TEMPLATES)
    config[0]["APP_DIRS"] = False
    config[0]["OPTIONS"]["loaders"] = [("django.template.loaders.locmem.Loader", TEMPLATES),
                                       "django.template.loaders.filesystem.Loader",
                                       "django.template.loaders.app_directories.Loader"]
    return override_settings(TEMPLATES=config)


@pytest.fixture
def registered():
    """Register providers for one test; the contacts app's own stay registered."""
    added = []

    def register(providers, provider):
        added.append((providers, provider))
        return providers.register(provider)

    yield register
    for providers, provider in added:
        providers.unregister(provider)


@pytest.fixture
def without_contacts():
    """The partner pages as they are with no other app registered (contacts' providers taken out)."""
    saved = {providers: list(providers) for providers in (cards.card_panels, cards.delete_notes)}
    for providers, registered_before in saved.items():
        for provider in registered_before:
            providers.unregister(provider)
    yield
    for providers, registered_before in saved.items():
        for provider in registered_before:
            providers.register(provider)


def word_panel(request, kind, partner):
    return cards.Panel("test/panels.html#panel", {"word": "Hello"})


def nothing(request, kind, partner):
    return None


def word_note(request, kind, partner):
    return cards.Panel("test/panels.html#note", {"word": "Hello"}, after_delete="Hello stays.")


@with_test_templates()
def test_a_registered_panel_is_rendered_on_the_card_with_the_pages_context(sales, registered, db):
    registered(cards.card_panels, word_panel)
    customer = factories.CustomerFactory(no="C00007")
    html = sales.get(customer.get_absolute_url()).content.decode()
    panel = html.split('<section id="test-panel">')[1].split("</section>")[0]
    assert panel.startswith("Hello on customer C00007") and 'name="csrfmiddlewaretoken"' in panel
    assert html.index('id="test-panel"') < html.index('id="history-panel"')


@with_test_templates()
def test_a_provider_answering_none_adds_nothing_and_registering_twice_shows_once(sales, registered, db):
    registered(cards.card_panels, nothing)
    registered(cards.card_panels, word_panel)
    registered(cards.card_panels, word_panel)
    html = sales.get(factories.CustomerFactory().get_absolute_url()).content.decode()
    assert html.count('id="test-panel"') == 1


@with_test_templates()
def test_a_delete_note_is_shown_and_its_sentence_ends_the_deleted_message(sales, registered, without_contacts, db):
    registered(cards.delete_notes, word_note)
    customer = factories.CustomerFactory(no="C00007", name="Gone")
    assert '<p id="test-note">Hello stays.</p>' in sales.get(f"/customers/{customer.pk}/delete/").content.decode()
    response = sales.post(f"/customers/{customer.pk}/delete/", follow=True)
    assert "Customer C00007 Gone deleted. Hello stays." in response.content.decode()


def test_without_other_apps_the_card_and_delete_page_show_only_the_partner(sales, without_contacts, db):
    customer = factories.CustomerFactory(name="Alone")
    card = sales.get(customer.get_absolute_url()).content.decode()
    assert 'id="contact-panel"' not in card and 'id="history-panel"' in card
    delete_page = sales.get(f"/customers/{customer.pk}/delete/").content.decode()
    dialog = delete_page.split('id="delete-dialog"')[1].split("</section>")[0]
    assert "contact" not in dialog.lower()


def test_the_contacts_app_registers_its_panel_and_delete_note():
    assert partner_panel.linked_contact in cards.card_panels
    assert partner_panel.contact_kept in cards.delete_notes
