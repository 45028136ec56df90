"""The durable job queue: enqueue long work in a use case's transaction; workers claim, run and finish it.

queue.py     enqueue / claim (SKIP LOCKED on PostgreSQL, an atomic claim on SQLite) / renew / finish / reap
handlers.py  what each job kind runs, and what marks its subject failed when the job gives up
worker.py    the worker loop: `kpilot worker` processes, or a thread inside `kpilot serve`/`demo`
"""
