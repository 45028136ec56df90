"""What every feature uses: access scopes, the hash-chained audit log, versioned writes, idempotency, base schemas."""
