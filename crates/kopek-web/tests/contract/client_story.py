"""A provider's integration, written against the client that
openapi-python-client generated from Kopek's OpenAPI document (OPS-3):
create a client, top its balance up, order a product paid from the balance,
and read the balance back. Run by the `contract` test binary with
KOPEK_URL, KOPEK_TOKEN and KOPEK_PRODUCT set; the generated package
`kopek_client` is on PYTHONPATH."""

import os
import sys

from kopek_client import AuthenticatedClient
from kopek_client.api.clients import create_client
from kopek_client.api.ledger import balance, credit_payment
from kopek_client.api.orders import order_now
from kopek_client.models import CartInput, CreditPayment, NewClient, Order, OrderConfig, OrderNow


def main() -> int:
    api = AuthenticatedClient(base_url=os.environ["KOPEK_URL"], token=os.environ["KOPEK_TOKEN"])
    product = int(os.environ["KOPEK_PRODUCT"])

    made = create_client.sync_detailed(client=api, body=NewClient(name="ООО Генератор", code="GEN"))
    assert made.status_code == 201, made.content
    client_id = made.parsed.id

    paid = credit_payment.sync_detailed(client_id, client=api, body=CreditPayment(amount="1000.00", currency="RUB"))
    assert paid.status_code == 201, paid.content
    print(f"topped up {paid.parsed.amount}")

    ordered = order_now.sync_detailed(
        client_id,
        client=api,
        body=OrderNow(item=CartInput(product_id=product, config=OrderConfig(months=1))),
        idempotency_key="generated-client-order-1",
    )
    assert ordered.status_code == 201, ordered.content
    order = ordered.parsed
    assert isinstance(order, Order), order
    print(f"order {order.id} {order.status} {order.total} {order.currency}")

    left = balance.sync(client_id, client=api)
    print(f"balance {left.balance} {left.currency}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
