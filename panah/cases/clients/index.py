"""The blind indexes of a client: keyed hashes of its name key, name words and phones.

Kept apart from the service so the case-file service can index the client it opens
without importing the clients' use cases (which import it).
"""

from __future__ import annotations

import json

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from panah.cases.clients.model import ClientFacts, name_key, name_tokens
from panah.cases.clients.orm import ClientNameToken, ClientPhone
from panah.cases.orm import Client
from panah.security.crypto import current_keyring, keyed_hash


def hashed(value: str) -> str:
    """The keyed hash lookups use (the same key and form as the case files' phone hash)."""
    return keyed_hash(current_keyring(), value, normalise=str.strip)


def phones_of(client: Client) -> list[str]:
    """The client's phones in E.164, first the main one."""
    listed: list[str] = json.loads(client.phones) if client.phones else []
    return list(dict.fromkeys([*([client.phone] if client.phone else []), *listed]))


def index_client(session: Session, client: Client) -> None:
    """(Re)write the client's name key hash, name-word hashes and phone hashes."""
    session.flush()  # the client has its id
    client.name_key_hash = hashed(name_key(client.name)) if client.name else None
    session.execute(delete(ClientNameToken).where(ClientNameToken.client_id == client.id))
    session.execute(delete(ClientPhone).where(ClientPhone.client_id == client.id))
    tokens = {hashed(t) for t in name_tokens(client.name or "")}
    session.add_all(ClientNameToken(client_id=client.id, token_hash=t) for t in sorted(tokens))
    phones = {hashed(p) for p in phones_of(client)}
    session.add_all(ClientPhone(client_id=client.id, phone_hash=p) for p in sorted(phones))
    session.flush()


def facts_of(session: Session, client: Client) -> ClientFacts:
    return ClientFacts(
        client_id=client.id, national_code_hash=client.national_code_hash,
        phone_hashes=frozenset(session.scalars(select(ClientPhone.phone_hash).where(
            ClientPhone.client_id == client.id))),
        name_key_hash=client.name_key_hash,
        token_hashes=frozenset(session.scalars(select(ClientNameToken.token_hash).where(
            ClientNameToken.client_id == client.id))),
        birth_year=client.birth_year)
