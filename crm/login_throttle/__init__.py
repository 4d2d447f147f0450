"""Login throttle, a small app of its own (label ``login_throttle``) so that its one table does not make ``crm``'s
models concrete for the apps that only borrow crm's abstract bases (partners installed alone); see ``throttle``."""
