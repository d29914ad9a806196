"""matchcore's web app for jobhunters and consultants (``matchcore serve``): :func:`matchcore.web.app.create_app`."""
