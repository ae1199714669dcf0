"""Live chat beyond the models and actions: live delivery (pubsub), the server-sent event streams, the widget's public
endpoints and the agents' pages."""
