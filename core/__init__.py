"""What both apps build on: the admin's bases and site, form helpers, path converters,
middleware, password rules, the sign-in and password pages and the Vietnamese formats.

It sits below both apps: they import it, it imports neither of them (what it needs of their
data, such as the committee's name, they hand it from their admin or AppConfig.ready), and none
of the three imports the project package (`cauthia`), which only configures them."""
