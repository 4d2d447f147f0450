import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from contacts.models import Contact
from partners.models import Customer, NoSeries, PartnerSetup
from partners.numbering import NumberReservation, increment, next_number, next_numbers
from tests.factories import ContactFactory, CustomerFactory, NoSeriesFactory


def test_increment_keeps_prefix_and_width():
    assert increment("CT000001") == "CT000002"
    assert increment("C-0099") == "C-0100"
    assert increment("2026-0009", 10) == "2026-0019"


@pytest.mark.django_db
def test_first_number_is_the_starting_number_then_it_counts_up():
    series = NoSeriesFactory(code="CONT", starting_no="CT000001")
    assert next_number(series) == "CT000001"
    assert next_number(series) == "CT000002"
    series.refresh_from_db()
    assert series.last_no_used == "CT000002"


@pytest.mark.django_db
def test_increment_by_steps_through_the_series():
    series = NoSeriesFactory(code="STEP", starting_no="S010", increment_by=10)
    assert next_numbers(series, 3) == ["S010", "S020", "S030"]


@pytest.mark.django_db
def test_ending_number_is_enforced_with_a_clear_error_and_nothing_taken():
    series = NoSeriesFactory(code="SHORT", starting_no="X01", ending_no="X02")
    assert next_numbers(series, 2) == ["X01", "X02"]
    with pytest.raises(ValidationError, match="SHORT has no numbers left.*X03.*X02"):
        next_number(series)
    series.refresh_from_db()
    assert series.last_no_used == "X02"


@pytest.mark.django_db
def test_numbers_already_used_by_hand_are_skipped():
    series = NoSeriesFactory(code="CUST", starting_no="C00001")
    CustomerFactory(no="C00001")
    assert next_number(series, model=Customer) == "C00002"


@pytest.mark.django_db
def test_a_block_of_numbers_skips_those_used_by_hand_inside_it_and_ignores_others_in_the_range():
    series = NoSeriesFactory(code="CUST", starting_no="C00001")
    for no in ("C00002", "C00004", "C00003X", "C00005-OLD"):  # the last two sort inside the block
        CustomerFactory(no=no)
    assert next_numbers(series, 4, model=Customer) == ["C00001", "C00003", "C00005", "C00006"]


@pytest.mark.django_db
def test_blank_customer_number_takes_the_next_number_of_partner_setup(numbered_partners):
    customer = Customer.objects.create(name="Fabrikam")
    assert customer.no == "C00001"


@pytest.mark.django_db
def test_explicit_number_is_kept(numbered_partners):
    assert Customer.objects.create(no="MY-1", name="Fabrikam").no == "MY-1"
    assert NoSeries.objects.get(code="CUST").last_no_used == ""


@pytest.mark.django_db
def test_blank_number_without_series_is_refused_naming_the_setup():
    with pytest.raises(ValidationError, match="Customer Nos. is not set in Partner Setup"):
        Customer.objects.create(name="Fabrikam")
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_series_clean_rejects_numbers_without_digits():
    series = NoSeries(code="BAD", starting_no="ABC")
    with pytest.raises(ValidationError, match="must end in digits"):
        series.full_clean()


@pytest.mark.django_db(transaction=True)
def test_concurrent_takers_never_get_the_same_number(on_postgres):
    series = NoSeriesFactory(code="PAR", starting_no="P000001")
    results, errors = [], []
    barrier = threading.Barrier(8)

    def take():
        try:
            barrier.wait()
            for _ in range(25):
                results.append(next_number(series))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 200
    assert len(set(results)) == 200
    assert NoSeries.objects.get(pk=series.pk).last_no_used == "P000200"
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_partner_setup_is_a_single_row():
    assert PartnerSetup.load().pk == PartnerSetup.load().pk == 1
    with pytest.raises(ValidationError):
        PartnerSetup(id=2).save()


@pytest.mark.django_db(transaction=True)
def test_a_reservation_takes_its_block_at_once_and_hands_it_out_in_order():
    series = NoSeriesFactory(code="CONT", starting_no="CT0001")
    reservation = NumberReservation(series, Contact)
    reservation.reserve(5)
    assert NoSeries.objects.get(pk=series.pk).last_no_used == "CT0005"  # committed: the row is free again
    assert next_number(series) == "CT0006"  # another taker goes on after the block
    assert reservation.take(2) == ["CT0001", "CT0002"]
    assert reservation.take(2) == ["CT0003", "CT0004"]


@pytest.mark.django_db(transaction=True)
def test_a_reserved_number_typed_by_hand_meanwhile_is_skipped():
    series = NoSeriesFactory(code="CONT", starting_no="CT0001")
    reservation = NumberReservation(series, Contact)
    reservation.reserve(3)
    ContactFactory(no="CT0002")
    assert reservation.take(3) == ["CT0001", "CT0003", "CT0004"]  # one more taken the usual way


@pytest.mark.django_db(transaction=True)
def test_release_gives_the_unused_tail_back_when_it_is_the_series_last():
    series = NoSeriesFactory(code="CONT", starting_no="CT0001")
    reservation = NumberReservation(series, Contact)
    reservation.reserve(4)
    reservation.take(1)
    reservation.release()
    assert NoSeries.objects.get(pk=series.pk).last_no_used == "CT0001"
    assert next_number(series) == "CT0002"  # no gap


@pytest.mark.django_db(transaction=True)
def test_release_leaves_a_gap_when_someone_took_numbers_after_the_block():
    series = NoSeriesFactory(code="CONT", starting_no="CT0001")
    reservation = NumberReservation(series, Contact)
    reservation.reserve(3)
    assert next_number(series) == "CT0004"
    reservation.release()
    assert NoSeries.objects.get(pk=series.pk).last_no_used == "CT0004"  # CT0001-3 stay unused: a gap


@pytest.mark.django_db(transaction=True)
def test_a_series_without_gaps_reserves_nothing_and_takes_its_numbers_when_used():
    series = NoSeriesFactory(code="CONT", starting_no="CT0001", allow_gaps=False)
    reservation = NumberReservation(series, Contact)
    reservation.reserve(5)
    assert NoSeries.objects.get(pk=series.pk).last_no_used == ""
    assert reservation.take(2) == ["CT0001", "CT0002"]


@pytest.mark.django_db
def test_inside_a_transaction_a_reservation_takes_numbers_only_when_used():
    series = NoSeriesFactory(code="CONT", starting_no="CT0001")
    reservation = NumberReservation(series, Contact)
    reservation.reserve(5)  # the test runs in a transaction: reserving would hold the row locked anyway
    assert NoSeries.objects.get(pk=series.pk).last_no_used == ""
    assert reservation.take(1) == ["CT0001"]
