# The "Client" section: profile, users and their rights, user settings.
client-save = OK
client-cancel = Cancel

profile-title = Client profile
profile-user = User settings
profile-owner-hint = Only the provider's support changes the first user's email and name.
profile-password = Change password
password-current = Current password
password-new = New password
password-repeat = Confirm password
password-hint = At least 8 characters
password-change = Change password

user-full-name = Full name
user-phone = Phone number
user-phone-hint = For SMS notifications, e.g. +7 912 345-67-89
user-phone-verified = Verified
user-phone-not-verified = Not verified
user-state = State
user-rights = Rights
user-owner = First user
user-enabled = Enabled
user-disabled = Disabled
user-full-access = Full access
user-full-access-hint = A user with full access may do everything; without it, only what the rights tick.
user-password-keep = Leave empty to keep the password

users-title = Users
users-create = Create
users-total = Total: { $count }
users-actions = Actions
users-edit = Edit
users-rights = Rights
users-enable = Enable
users-disable = Disable
users-delete = Delete
users-new-title = New user
users-edit-title = Edit user
users-delete-title = Delete user
users-delete-question = Delete the user { $email }? It can't be undone.
rights-title = User rights

right-finance = Finance
right-documents = Documents
right-orders = Orders
right-services = Services
right-support = Support
right-users = Users
right-payers = Payers

settings-title = User settings
settings-main = Main settings
settings-locale = Language
settings-locale-browser = As the browser asks
settings-locale-ru = Русский
settings-locale-en = English
settings-timezone = Time zone
settings-timezone-provider = The provider's
settings-notifications = Notifications
channel-email = Email
channel-messenger = Messengers
channel-sms = SMS
channel-portal = In the portal
notify-finance = Finance notifications
notify-news = News
notify-services = Service notifications
notify-support = Support center notifications
settings-telegram = Telegram
settings-telegram-username = Telegram
settings-telegram-hint = Your username without @; then send /start to the provider's bot.

notice-password-changed = Password changed
notice-user-created = User created
notice-user-enabled = User enabled
notice-user-disabled = User disabled
notice-user-deleted = User deleted

error-passwords-differ = The passwords differ
error-weak-password = The password must be at least 8 characters long
error-wrong-password = The current password is wrong
error-email-taken = A user with this email exists
error-invalid-field-email = Enter an email such as ivan@example.com
error-invalid-field-phone = Enter a phone number such as +7 912 345-67-89
error-invalid-field-full-name = Enter a full name (at most 200 characters)
error-invalid-field-locale = Choose a language from the list
error-invalid-field-timezone = Choose a time zone from the list
error-invalid-telegram = A Telegram username: 5 to 32 Latin letters, digits or _
error-owner-name-fixed = Only the provider's support changes the first user's name
error-owner-protected = The first user can't be deleted, disabled or lose full access: ask the provider
error-own-users-right = You can't take away your own right to manage users
error-own-user = You can't disable or delete yourself

# Avatars (ACC-3)
user-avatar = Avatar
user-no-avatar = No avatar yet
user-avatar-choose = New avatar
user-avatar-hint = PNG, JPEG, GIF or WebP, at most 512 KiB
user-avatar-upload = Upload
user-avatar-remove = Remove the avatar
error-choose-file = Choose a file
error-not-an-image-avatar = This is not a picture: PNG, JPEG, GIF or WebP will do
error-file-too-large-avatar = The file is over 512 KiB
