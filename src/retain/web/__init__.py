"""The web app CS teams work in: server-rendered pages (Django templates + htmx), charts drawn
as inline SVG by Retain itself, every asset served locally."""
