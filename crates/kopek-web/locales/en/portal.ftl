brand = Kopek
lang-label = Language
menu-label = Menu
logout = Log out
footer-api = API and documentation
back-home = Back to the dashboard

nav-dashboard = Dashboard

login-title = Log in to your account
login-submit = Log in
field-email = Email
field-password = Password

dashboard-title = Dashboard
dashboard-account = Account
dashboard-balance = Balance
dashboard-quick = Quick access
dashboard-services = Your services
dashboard-no-services = You have no services yet.
client-code = Client code
client-name = Client
client-country = Country
client-registered = Registered on
balance-debt = Debt
balance-credit-limit = Credit limit
balance-available = Available
quick-order = Order a service
quick-top-up = Top up the balance
quick-support = Ask support
quick-settings = User settings
service-name = Service
service-state = State
service-paid-until = Paid until

state-ordered = Ordered
state-active = Active
state-processing-opening = Processing (opening)
state-processing-turning-off = Processing (turning off)
state-processing-turning-on = Processing (turning on)
state-processing-rebooting = Processing (rebooting)
state-processing-renewing = Processing (renewing)
state-processing-changing = Processing (changing)
state-processing-transferring = Processing (transferring)
state-processing-deleting = Processing (deleting)
state-temporarily-stopped = Temporarily stopped
state-stopped = Stopped
state-stopped-by-admin = Stopped by the provider
state-stopped-for-violation = Stopped for a violation
state-needs-setup = Needs setup
state-out-of-stock = Out of stock
state-deleted = Deleted

problem-not-found = Page not found
problem-forbidden = You don't have the rights for this
problem-internal = Something went wrong
problem-refused = This could not be done

error-required = Fill in this field
error-choose = Choose a value
error-not-an-amount = Enter an amount such as 250.00
error-internal = Something went wrong on our side; it was logged. Please try again later.
error-page-broken = This page can't be shown: its template has an error. The administrator will find the details in the log.
error-bad-credentials = Wrong email or password
error-login-disabled = This login is disabled
error-login-locked = Too many failed logins; try again later
error-forbidden = You don't have the rights for this
error-not-found = Not found
