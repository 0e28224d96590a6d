"""Sending Web Push messages, one job per subscription, with retries."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from flask import current_app
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush
from rq import Retry

from ..extensions import db
from ..persistence import PushSubscription
from ..security.push_endpoints import (
    EndpointRefused,
    EndpointUnresolved,
    pinned_session,
    vet_with_config,
)
from .context import with_app_context
from .queue import PUSH_QUEUE, runs_on

log = logging.getLogger(__name__)

# How long a push service keeps a message for a device that is off: a day.
TIME_TO_LIVE = 24 * 60 * 60
RETRIES = Retry(max=3, interval=[10, 60, 300])
# The push service says the subscription is gone for good.
GONE = frozenset({404, 410})
# Seconds to connect, then to wait for the answer: a push service answers at once.
TIMEOUT = (3, 5)
# An rq job that outlives this was stuck: the worker stops it.
JOB_TIMEOUT = 30


@runs_on(PUSH_QUEUE, retry=RETRIES, job_timeout=JOB_TIMEOUT)
@with_app_context
def send_push(subscription_id: str, payload: dict[str, Any]) -> str:
    """Send one push; forget the subscription if the push service says it is gone.

    The endpoint is checked again now, and the push goes to the address just
    checked: a name that resolves inside since it was subscribed is dropped.
    """
    subscription = db.session.get(PushSubscription, uuid.UUID(subscription_id))
    if subscription is None:
        return "gone"
    config = current_app.config
    try:
        endpoint = vet_with_config(subscription.endpoint, config)
    except EndpointUnresolved:
        raise  # perhaps only for now: rq retries it
    except EndpointRefused as error:
        db.session.delete(subscription)
        log.warning("push endpoint refused at send time (%s): subscription removed", error.reason)
        return "refused"
    try:
        webpush(
            requests_session=pinned_session(endpoint),
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload),
            vapid_private_key=Vapid02.from_raw(config["VAPID_PRIVATE_KEY"].encode()),
            # A fresh claims dict each call: pywebpush adds "aud" and "exp" to it.
            vapid_claims={"sub": config["VAPID_SUBJECT"]},
            ttl=TIME_TO_LIVE,
            timeout=TIMEOUT,  # requests takes a (connect, read) pair
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in GONE:
            db.session.delete(subscription)
            log.info("push subscription gone (%s): removed", status)
            return "removed"
        raise  # rq retries it
    return "sent"
