"""Demo best-practice texts (Indonesian, 550+ words each). ``{kelurahan}``, ``{kota}`` and ``{bkm}`` vary per team."""

DRAINASE = """## Latar belakang

Setiap musim hujan, warga RW 03 dan RW 04 Kelurahan {kelurahan} di {kota} hampir selalu menghadapi masalah yang sama. Air dari jalan utama mengalir ke gang-gang sempit, saluran lama tersumbat sampah dan lumpur, lalu genangan setinggi betis bertahan dua sampai tiga hari. Anak-anak terlambat sekolah, pedagang kecil tidak bisa berjualan, dan beberapa rumah di bagian paling rendah terpaksa menaikkan perabot ke atas meja. Keluhan ini sudah lama muncul dalam rembug warga, tetapi baru pada tahun ini menjadi prioritas dalam perencanaan jangka menengah program.

## Proses perencanaan bersama warga

Tim fasilitator bersama {bkm} memulai dengan pemetaan swadaya. Relawan dari setiap RT berjalan menyusuri saluran, mencatat titik sumbatan, lebar dan kedalaman saluran, serta rumah yang paling sering tergenang. Hasilnya digambar di atas kertas besar dan dipajang di balai RW agar semua warga bisa memberi masukan. Dari pemetaan itu terlihat bahwa masalah utamanya bukan hanya saluran yang sempit, tetapi juga kemiringan yang salah dan tidak adanya bak kontrol di pertemuan saluran.

Dalam rembug warga yang dihadiri lebih dari delapan puluh orang, termasuk tiga puluh dua perempuan, disepakati pembangunan saluran baru sepanjang 420 meter dengan empat bak kontrol. Warga juga sepakat membentuk Kelompok Swadaya Masyarakat (KSM) Tirta Lestari yang bertanggung jawab atas pelaksanaan dan pemeliharaan. Fasilitator teknik membantu menghitung kebutuhan bahan dan menyusun gambar kerja sederhana yang mudah dipahami tukang setempat.

## Pelaksanaan dan swadaya

Pekerjaan dilaksanakan selama enam minggu. Dana program menutup sebagian besar kebutuhan bahan, sementara warga menyumbang tenaga kerja, konsumsi, dan sebagian material. Catatan KSM menunjukkan swadaya warga setara dengan sekitar dua puluh persen dari nilai pekerjaan. Setiap Minggu pagi diadakan kerja bakti yang diikuti bapak-bapak, ibu-ibu, dan pemuda karang taruna. Ibu-ibu PKK mengatur dapur umum secara bergiliran sehingga pekerjaan tidak pernah berhenti karena urusan makan.

KSM mencatat seluruh pengeluaran di papan informasi yang dipasang di depan balai RW. Nota pembelian difotokopi dan ditempel, sehingga siapa pun bisa memeriksa. Transparansi ini membuat warga yang awalnya ragu ikut menyumbang. Seorang pemilik toko bangunan bahkan memberikan potongan harga karena melihat laporan yang rapi dan terbuka.

## Perubahan yang terjadi

Pada hujan deras pertama setelah saluran selesai, warga berkumpul untuk melihat hasilnya. Air mengalir lancar dan genangan hilang dalam waktu kurang dari satu jam. Sejak itu tidak ada lagi rumah yang kebanjiran di kedua RW tersebut. Perubahan yang lebih penting justru terjadi pada kebiasaan warga. Mereka tidak lagi membuang sampah ke saluran, karena merasa saluran itu milik bersama yang dibangun dengan keringat sendiri.

KSM Tirta Lestari kini menarik iuran pemeliharaan sebesar lima ribu rupiah per rumah setiap bulan. Uang itu dipakai untuk membeli alat kebersihan dan memperbaiki kerusakan kecil. Jadwal pembersihan saluran dibuat per RT dan ditempel di setiap pos ronda. Lurah {kelurahan} memasukkan kegiatan ini ke dalam musyawarah perencanaan pembangunan kelurahan sehingga pemeliharaan mendapat dukungan anggaran dari pemerintah daerah.

## Pelajaran bagi pelaku lain

Ada tiga pelajaran yang bisa dipetik. Pertama, pemetaan swadaya membuat warga memahami masalahnya sendiri dan merasa memiliki solusinya. Kedua, keterbukaan keuangan adalah kunci kepercayaan; papan informasi yang sederhana lebih berpengaruh daripada laporan tebal yang tidak dibaca. Ketiga, pemeliharaan harus direncanakan sejak awal, bukan setelah bangunan selesai.

Kelurahan tetangga sudah dua kali berkunjung untuk belajar dari pengalaman ini. Mereka melihat langsung saluran, papan informasi, dan buku kas KSM. Fasilitator berharap cara kerja yang sama dapat diterapkan untuk kegiatan lain, seperti pengelolaan sampah dan penghijauan bantaran sungai, sehingga perubahan yang dimulai dari saluran kecil ini terus berlanjut dan melembaga di tingkat kelurahan.
"""

PINJAMAN = """## Awal cerita

Di Kelurahan {kelurahan}, {kota}, banyak ibu rumah tangga berjualan kue, sayur, dan lauk matang di depan rumah. Modal mereka kecil, dan ketika membutuhkan tambahan modal, pilihan yang paling mudah adalah meminjam kepada rentenir dengan bunga yang sangat tinggi. Seorang penjual kue bercerita bahwa ia pernah harus mengembalikan hampir dua kali lipat dari uang yang dipinjamnya hanya dalam tiga bulan. Keuntungan harian habis untuk membayar cicilan, dan usaha tidak pernah berkembang.

## Membentuk kelompok dan aturan bersama

{bkm} bersama tim fasilitator mengajak para ibu membentuk kelompok-kelompok kecil beranggota lima sampai sepuluh orang. Setiap kelompok memilih ketua, sekretaris, dan bendahara sendiri. Sebelum pinjaman pertama diberikan, anggota mengikuti pelatihan pembukuan sederhana selama tiga kali pertemuan. Mereka belajar memisahkan uang usaha dari uang belanja rumah tangga, mencatat pemasukan dan pengeluaran, serta menghitung keuntungan yang sebenarnya.

Aturan pinjaman disusun bersama dalam rapat anggota. Besar pinjaman pertama dibatasi, jasa pinjaman ringan dan disepakati terbuka, dan angsuran dibayar setiap minggu dalam pertemuan kelompok. Yang paling penting adalah prinsip tanggung renteng: jika satu anggota kesulitan membayar, anggota lain membantu dan mencari jalan keluar bersama. Aturan ini ditulis, ditandatangani semua anggota, dan salinannya disimpan oleh setiap kelompok.

## Berjalan dan bergulir

Pada putaran pertama, dua belas kelompok dengan delapan puluh tujuh anggota menerima pinjaman. Pertemuan mingguan menjadi lebih dari sekadar tempat membayar angsuran. Di sana anggota saling bertukar pengalaman, misalnya cara mengemas kue agar lebih menarik atau tempat membeli bahan yang lebih murah. Fasilitator ekonomi hadir secara bergiliran untuk mendampingi pembukuan dan membantu kelompok yang mengalami masalah.

Tingkat pengembalian pada putaran pertama mencapai sembilan puluh delapan persen. Dana yang kembali digulirkan lagi kepada anggota baru dan kepada anggota lama yang ingin menambah modal. Unit Pengelola Keuangan BKM membuat laporan bulanan yang dibacakan dalam rapat dan ditempel di papan pengumuman kelurahan, sehingga warga yang bukan anggota pun dapat mengetahui perkembangan dana bergulir.

## Apa yang berubah

Perubahan paling terasa adalah lepasnya para ibu dari jerat rentenir. Seorang penjual sayur kini memiliki gerobak sendiri dan tidak lagi menyewa. Seorang penjual kue sudah menerima pesanan untuk acara kantor kelurahan. Pendapatan rata-rata anggota, menurut catatan pembukuan mereka sendiri, naik sekitar tiga puluh persen dalam satu tahun. Lebih dari itu, para ibu menjadi lebih percaya diri berbicara dalam rapat warga dan ikut menentukan prioritas pembangunan.

Tim fasilitator juga mencatat perubahan cara kelompok mengambil keputusan. Jika dulu rapat hanya diisi oleh beberapa orang yang berani bicara, kini setiap anggota mendapat giliran menyampaikan pendapat. Ketua kelompok dipilih ulang setiap tahun agar kepemimpinan bergilir dan semakin banyak ibu yang belajar memimpin pertemuan serta menyelesaikan masalah bersama.

Suami dan keluarga juga ikut merasakan manfaatnya. Beberapa suami kini membantu berbelanja bahan di pasar pagi atau mengantar pesanan. Anak-anak ikut belajar mencatat uang jajan mereka. Kebiasaan menabung mulai tumbuh; setiap kelompok memiliki tabungan bersama yang dipakai untuk keperluan mendesak anggota tanpa harus meminjam ke luar.

## Keberlanjutan

Agar kegiatan ini bertahan setelah pendampingan selesai, {bkm} melatih kader pembukuan dari setiap kelompok. Kader inilah yang kini melatih anggota baru. Kelurahan telah menghubungkan kelompok dengan koperasi setempat dan bank milik daerah, sehingga kelompok yang sudah kuat dapat mengakses pinjaman yang lebih besar dengan syarat yang wajar.

Pengalaman di {kelurahan} menunjukkan bahwa pinjaman bergulir berhasil bukan karena besarnya dana, tetapi karena kelompok yang solid, aturan yang disepakati bersama, pembukuan yang jujur, dan pendampingan yang sabar. Kelompok-kelompok ini kini menjadi tempat belajar bagi kelurahan lain di {kota} yang ingin memulai kegiatan serupa.
"""

SANITASI = """## Kampung di lereng bukit

Sebagian permukiman Kelurahan {kelurahan} di {kota} berada di lereng bukit yang curam. Jalan menuju rumah-rumah warga hanya berupa tanah yang licin saat hujan, dan banyak keluarga belum memiliki jamban sehat. Air limbah rumah tangga mengalir begitu saja ke bawah lereng, mencemari sumur warga di bagian bawah. Petugas puskesmas mencatat diare sebagai salah satu penyakit yang paling sering dialami anak-anak di wilayah ini.

## Dari keluhan menjadi rencana

Tim fasilitator memulai dengan diskusi kelompok terarah bersama tokoh adat, tokoh agama, ketua RT, dan kelompok perempuan. Diskusi dilakukan di rumah-rumah warga secara bergiliran agar lebih banyak orang bisa hadir, termasuk para ibu yang sulit meninggalkan rumah. Dalam diskusi itu, warga sendiri yang menyimpulkan bahwa jalan setapak dan sanitasi adalah dua masalah yang saling berkaitan: tanpa jalan yang layak, bahan bangunan sulit diangkut dan petugas kesehatan sulit menjangkau rumah warga.

{bkm} kemudian memfasilitasi rembug warga untuk menyusun rencana. Disepakati pembangunan jalan setapak beton sepanjang 350 meter dengan anak tangga di bagian yang curam, serta dua unit sanitasi komunal yang melayani empat puluh dua keluarga. Lokasi sanitasi dipilih bersama, dengan mempertimbangkan jarak dari sumur dan kemudahan perawatan. Pemilik tanah merelakan sebagian lahannya dan menandatangani surat hibah di hadapan lurah.

## Gotong royong di medan yang sulit

Mengangkut pasir, semen, dan batu ke lereng bukit bukan pekerjaan mudah. Warga membentuk rantai manusia dari jalan utama sampai ke lokasi pekerjaan, memindahkan karung demi karung dari tangan ke tangan. Para pemuda bekerja sampai malam, sementara para ibu menyiapkan papeda dan ikan kuah kuning untuk seluruh pekerja. Kerja bersama ini menghidupkan kembali tradisi gotong royong yang mulai jarang terlihat.

Fasilitator teknik mendampingi setiap tahap, dari pemasangan bekisting sampai pengujian kekedapan tangki septik. KSM mencatat setiap bahan yang datang dan yang terpakai. Ketika ada kekurangan semen, warga bermusyawarah dan memutuskan menambah iuran daripada mengurangi mutu pekerjaan. Keputusan ini dicatat dalam berita acara dan diumumkan kepada seluruh warga.

## Hasil dan perubahan perilaku

Jalan setapak kini dapat dilalui dengan aman bahkan saat hujan. Anak-anak berangkat ke sekolah tanpa sepatu berlumpur, dan bidan kelurahan dapat berkunjung lebih sering. Dua unit sanitasi komunal dipakai setiap hari dan dirawat bergiliran oleh kelompok pemanfaat. Enam bulan setelah pembangunan, kader posyandu mencatat kasus diare pada anak turun lebih dari separuh dibandingkan tahun sebelumnya.

Manfaat lain datang dari sisi ekonomi. Dengan jalan yang lebih baik, hasil kebun warga seperti sayur, pisang, dan umbi-umbian lebih mudah dibawa ke pasar. Ongkos angkut turun karena ojek kini mau naik sampai ke permukiman atas. Beberapa ibu mulai membuka kios kecil di tepi jalan setapak yang baru.

Perubahan perilaku terlihat dari hal-hal kecil. Warga kini mencuci tangan dengan sabun sebelum makan, karena kader kesehatan rutin memberikan penyuluhan di sela pertemuan kelompok. Tidak ada lagi yang membuang limbah ke lereng. Beberapa keluarga yang mampu bahkan membangun jamban sendiri di rumah dengan meniru desain yang dibuat fasilitator.

## Menjaga agar tetap berfungsi

Kelompok pemanfaat sanitasi menetapkan iuran bulanan untuk penyedotan tangki septik dan perbaikan kecil. Bendahara kelompok melaporkan kas setiap bulan dalam ibadah bersama di gereja dan masjid setempat, sehingga laporan sampai kepada hampir semua warga. Pemerintah kelurahan berjanji memasukkan pemeliharaan jalan setapak dalam rencana kerja tahunan.

Pengalaman ini menunjukkan bahwa kondisi alam yang sulit tidak menjadi penghalang ketika warga bersatu. Kuncinya adalah melibatkan semua kelompok sejak awal, menghormati tokoh adat dan agama, serta membuat keputusan secara terbuka. Kelurahan lain di {kota} dengan kondisi lereng serupa kini mulai belajar dari {kelurahan}.
"""

TEXTS = [("Saluran bersama, kampung bebas genangan", "Infrastruktur lingkungan", DRAINASE),
         ("Lepas dari rentenir lewat pinjaman bergulir", "Ekonomi warga", PINJAMAN),
         ("Jalan setapak dan sanitasi di lereng bukit", "Sanitasi dan kesehatan", SANITASI)]
