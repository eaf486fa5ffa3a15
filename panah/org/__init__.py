"""The organisation in bulk: users, centres, vehicles, posts, partner agencies and services
read from and written to CSV and XLSX files, each row saved through its own domain's use
case (``panah org import|export|template`` and the /admin/import page)."""
