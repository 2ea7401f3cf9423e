# Client — Payers and Payment methods (PAY-1 … PAY-4, PMT-6)

payers-create = Create
payers-edit = Edit
payers-delete = Delete
payers-merge = Merge
payers-next = Next
payers-back = Back
payers-finish = Finish
payers-cancel = Cancel
payers-save = Save
payers-ok = OK
payers-search = Search
payers-search-submit = Find
payers-total = Shown: { $shown } of { $total }
payers-empty = No payers yet. Press "Create" to add one.
payers-col-id = Id
payers-col-name = Name
payers-col-contracts = Contracts

payers-new-title = New payer
payers-edit-title = Edit payer — { $name }
payers-step-country = Country
payers-step-kind = Payer type
payers-step-details = Payer details
payers-country = Country
payers-kind = Payer type
payers-kind-individual = Individual
payers-kind-legal-entity = Legal entity
payers-kind-sole-proprietor = Sole proprietor

payers-country-RU = Russian Federation
payers-country-BY = Belarus
payers-country-KZ = Kazakhstan
payers-country-AM = Armenia
payers-country-KG = Kyrgyzstan
payers-country-UZ = Uzbekistan
payers-country-DE = Germany
payers-country-GB = United Kingdom
payers-country-US = United States
payers-country-CN = China

payers-group-main = Main
payers-group-legal-address = Legal address
payers-group-actual-address = Actual address
payers-group-accounting = Accounting
payers-group-contract = Contract details
payers-actual-same = Same as the legal address

payers-field-name = Name
payers-field-contact-person = Contact person
payers-field-phone = Phone
payers-field-fax = Fax
payers-field-email = Email
payers-field-document-delivery = Receive documents
payers-delivery-portal = In the portal
payers-delivery-post = By post
payers-delivery-email = By email
payers-field-legal-address-postcode = Postcode
payers-field-legal-address-city = City
payers-field-legal-address-address = Address
payers-field-actual-address-postcode = Postcode
payers-field-actual-address-city = City
payers-field-actual-address-address = Address
payers-field-inn = INN (tax number)
payers-field-kpp = KPP
payers-field-ogrn = OGRN/OGRNIP
payers-field-bank-name = Bank name
payers-field-bik = BIK
payers-field-settlement-account = Settlement account
payers-field-correspondent-account = Correspondent account
payers-field-iban = IBAN
payers-field-swift = SWIFT
payers-field-accounting-settings = Accounting notes
payers-field-director-name = Director (full name)
payers-field-director-position = Position
payers-field-director-name-genitive = Director's name, genitive
payers-field-director-position-genitive = Position, genitive
payers-field-director-name-dative = Director's name, dative
payers-field-director-position-dative = Position, dative
payers-field-acting-on-basis = Acting on the basis of
payers-field-passport-series-number = Passport series and number
payers-field-passport-issue-date = Passport issue date
payers-field-passport-issued-by = Passport issued by
payers-field-birth-date = Date of birth
payers-field-registration-city = City of registration
payers-field-registration-address = Registration address

payers-error-date = Enter a date, e.g. 01.12.2000
payers-error-invalid-field-country = Choose a country
payers-error-invalid-field-kind = Choose the payer type
payers-error-invalid-field-name = Enter the name (at most 500 characters)
payers-error-invalid-field-contact-person = Enter the contact person
payers-error-invalid-field-email = Enter an email address such as client@example.com; it is needed to receive documents by email
payers-error-invalid-field-phone = Enter a phone number such as +7 (999) 111-22-33
payers-error-invalid-field-fax = Enter a fax number such as +7 (999) 444-55-66
payers-error-invalid-field-inn = { $kind ->
        [legal-entity] Wrong INN: a legal entity's has 10 digits, the last a check digit; look for a typo
       *[other] Wrong INN: an individual's or sole proprietor's has 12 digits, the last two check digits; look for a typo
    }
payers-error-invalid-field-kpp = Wrong KPP: 9 characters, e.g. 773601001
payers-error-invalid-field-ogrn = Wrong { $kind ->
        [sole-proprietor] OGRNIP: 15 digits
       *[other] OGRN: 13 digits
    }, the last being a check digit; look for a typo
payers-error-invalid-field-bik = Wrong BIK: 9 digits starting with 04; the accounts can't be checked without it
payers-error-invalid-field-settlement-account = Wrong settlement account: 20 digits whose check digit matches the BIK
payers-error-invalid-field-correspondent-account = Wrong correspondent account: 20 digits starting with 301, whose check digit matches the BIK
payers-error-invalid-field-iban = Wrong IBAN: check the country code and check digits
payers-error-invalid-field-swift = Wrong SWIFT code: 8 or 11 characters
payers-error-invalid-field-passport-series-number = Passport series and number: 4 digits of series and 6 of number, e.g. 1111 111111
payers-error-invalid-field-passport-issue-date = The passport's issue date must be after the date of birth
payers-error-invalid-field-legal-address-postcode = Postcode: 6 digits in Russia, otherwise at most 16 characters
payers-error-invalid-field-actual-address-postcode = Postcode: 6 digits in Russia, otherwise at most 16 characters
payers-error-invalid-field-legal-address-address = Enter the address: it is needed to receive documents by post
payers-error-invalid-field-actual-address-address = Enter the address: it is needed to receive documents by post
payers-error-invalid-field-merged-payer-id = Choose another payer: two different payers of one client can be merged
payers-error-payer-in-use = Payer "{ $name }" can't be deleted: money is awaited from it on unpaid invoices, or an act of completed work holds its unpaid expenses. Pay or cancel them first.

payers-notice-created = The payer is created
payers-notice-deleted = The payer is deleted
payers-notice-merged = The payers are merged

payers-delete-title = Delete payer
payers-delete-question = Delete payer "{ $name }"?

payers-merge-title = Merge payers
payers-merge-main = Main payer
payers-merge-merged = Payer to merge
payers-merge-move-contracts = Move contracts
payers-merge-hint = After the merge the merged payer is deleted. Contracts not moved are deleted with it.
payers-merge-planned = These actions will be taken:
payers-merge-action-payments = Move payments { $numbers } from "{ $from }" to "{ $to }"
payers-merge-action-contracts-moved = Move contracts { $numbers } to "{ $to }"
payers-merge-action-contracts-ended = Delete contracts { $numbers }
payers-merge-action-delete = Delete payer "{ $name }"

payers-methods-title = Saved payment methods
payers-methods-note = Card and wallet details are kept by the payment system, not in the portal.
payers-methods-col-name = Name
payers-methods-col-method = Payment method
payers-methods-col-status = Status
payers-methods-col-linked = Services
payers-methods-balance = Balance account
payers-methods-empty = No saved payment methods. Tick "Remember this method" when paying to save one.
payers-method-status-enabled = Enabled
payers-method-status-configuring = Configuring
payers-method-status-not-working = Not working
payers-method-rename-title = Edit payment method
payers-method-error-name = Enter a name of 1 to 100 characters
payers-method-delete-title = Delete payment method
payers-method-delete-question = Delete payment method "{ $name }"?
payers-method-delete-renewals = Auto-renewal will be switched off for these services ({ $count }):
payers-method-delete-no-renewals = No auto-renewing service is paid by this method.
payers-notice-method-deleted = The payment method is deleted
payers-notice-method-deleted-renewals-off = The payment method is deleted; auto-renewal of its services is off
