"""Checks the fake Stripe (crates/fake-stripe) and the portal's webhook against Stripe's own
Python library (PyPI `stripe`, pinned in scripts/stripe-requirements.txt), without the network.

Run by the API test `online_payments::the_official_stripe_library_*` with:
  STRIPE_FAKE    the fake's address        STRIPE_KEY   its secret key
  EVENT_FILE     an event the fake made     FAKE_HEADER  the fake's Stripe-Signature for it
  WEBHOOK_URL    the portal's endpoint      WHSEC        the endpoint's signing secret
Every check raises on failure; the last line printed is "ok".
"""

import json
import os
import urllib.request

import stripe

fake = os.environ["STRIPE_FAKE"]
stripe.api_key = os.environ["STRIPE_KEY"]
stripe.api_base = fake
stripe.max_network_retries = 0


def expect_error(kind, call, code=None, status=None):
    try:
        call()
    except kind as e:
        assert code is None or e.code == code, (e.code, code)
        assert status is None or e.http_status == status, (e.http_status, status)
        return e
    raise AssertionError(f"expected {kind.__name__}")


# 1. The library reads the fake's answers as Stripe objects.
params = dict(
    mode="payment",
    line_items=[
        {
            "quantity": 1,
            "price_data": {
                "currency": "eur",
                "unit_amount": 12345,
                "product_data": {"name": "Invoice 0000000042"},
            },
        },
        {
            "quantity": 2,
            "price_data": {
                "currency": "eur",
                "unit_amount": 500,
                "product_data": {"name": "Debit note 0000000043"},
            },
        },
    ],
    success_url="http://127.0.0.1/p/demo/documents?payment=pa_x",
    client_reference_id="pa_x",
    metadata={"payment_attempt_id": "pa_x"},
    payment_intent_data={"metadata": {"payment_attempt_id": "pa_x"}},
)
session = stripe.checkout.Session.create(idempotency_key="sdk-check-1", **params)
assert isinstance(session, stripe.checkout.Session), type(session)
assert session.id.startswith("cs_test_"), session.id
assert session.amount_total == 13345, session.amount_total
assert session.currency == "eur"
assert session.status == "open" and session.payment_status == "unpaid"
assert session.url.startswith(fake), session.url
assert session.metadata["payment_attempt_id"] == "pa_x"
assert session.client_reference_id == "pa_x"

# Idempotency: the same key and parameters replay the first answer; other parameters are an
# idempotency error.
again = stripe.checkout.Session.create(idempotency_key="sdk-check-1", **params)
assert again.id == session.id, (again.id, session.id)
changed = dict(params, client_reference_id="pa_y")
expect_error(
    stripe.IdempotencyError,
    lambda: stripe.checkout.Session.create(idempotency_key="sdk-check-1", **changed),
    status=400,
)

# Errors as Stripe sends them.
expect_error(
    stripe.InvalidRequestError,
    lambda: stripe.checkout.Session.retrieve("cs_test_missing"),
    code="resource_missing",
    status=404,
)
expect_error(
    stripe.InvalidRequestError,
    lambda: stripe.checkout.Session.create(success_url="http://x/", line_items=[]),
    code="parameter_missing",
    status=400,
)
expect_error(
    stripe.AuthenticationError,
    lambda: stripe.checkout.Session.retrieve(session.id, api_key="sk_test_wrongwrongwrong"),
    status=401,
)

read = stripe.checkout.Session.retrieve(session.id)
assert read.id == session.id and read.amount_total == 13345
expired = stripe.checkout.Session.expire(session.id)
assert expired.status == "expired", expired.status
expect_error(stripe.InvalidRequestError, lambda: stripe.checkout.Session.expire(session.id), status=400)

# 2. The fake's signature is one the library verifies, and its event parses.
body = open(os.environ["EVENT_FILE"], encoding="utf-8").read()
secret = os.environ["WHSEC"]
event = stripe.Webhook.construct_event(body, os.environ["FAKE_HEADER"], secret)
assert event.type == "checkout.session.completed", event.type
assert isinstance(event.data.object, stripe.checkout.Session), type(event.data.object)
assert event.data.object.payment_status == "paid"
expect_error(
    stripe.SignatureVerificationError,
    lambda: stripe.Webhook.construct_event(body, os.environ["FAKE_HEADER"], "whsec_other0000"),
)

# 3. A header signed by the library is accepted by the portal, which records the payment.
header = stripe.WebhookSignature.generate_signature_header(body, secret)
request = urllib.request.Request(
    os.environ["WEBHOOK_URL"],
    data=body.encode("utf-8"),
    method="POST",
    headers={"Content-Type": "application/json", "Stripe-Signature": header},
)
with urllib.request.urlopen(request) as response:
    answer = json.loads(response.read())
assert response.status == 200, response.status
assert answer["outcome"] == "fulfilled", answer
print("ok")
