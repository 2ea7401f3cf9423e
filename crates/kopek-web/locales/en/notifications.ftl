# Support — Notifications (NTF-4)
nav-support = Support
nav-notifications = Notifications
notifications-title = Notifications
notifications-paging = Total: { $total }, unread: { $unread }, { $page } of { $pages }
notifications-page-prev = Back
notifications-page-next = Next
notifications-date = Date
notifications-subject = Subject
notifications-state = State
notifications-read = Read
notifications-unread = New
notifications-empty = No notifications yet.
notifications-back = All notifications
